% rebase('base.tpl', title='Burn after reading', kind='burn')
<h1>This paste will be deleted after you read it</h1>
<p>It can be opened once. Link previews and bots do not open it; you do, with this button.</p>
% if get('e2ee', False):
<p class="note">It is end-to-end encrypted: the key in this link opens it once it is shown.</p>
<p class="error" role="alert" id="e2ee-reveal-warning" hidden>This link has no key after the #: once shown, the paste is gone from the server and nothing can open it.</p>
<form method="post" action="/{{paste_id}}" data-e2ee-reveal>{{!csrf_field()}}<button type="submit" class="primary">Show it and delete it</button></form>
{{!e2ee_scripts()}}
% else:
% if get('longer_than_a_page', False):
<p class="note notice" id="longer-than-a-page">It is longer than one page shows: the page will show its first lines only. To keep all of it, <a href="/zip/{{paste_id}}" download>download it as a zip</a> instead (that reads it once too, and deletes it).</p>
% end
<form method="post" action="/{{paste_id}}">{{!csrf_field()}}<button type="submit" class="primary">Show it and delete it</button></form>
% end
