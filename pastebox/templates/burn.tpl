% rebase('base.tpl', title='Burn after reading', kind='burn')
<h1>This paste will be deleted after you read it</h1>
<p>It can be opened once. Link previews and bots do not open it; you do, with this button.</p>
<form method="post" action="/{{paste_id}}">{{!csrf_field()}}<button type="submit" class="primary">Show it and delete it</button></form>
