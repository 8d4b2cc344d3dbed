% rebase('base.tpl', title='Delete ' + (paste.title or paste.id), kind='delete')
<h1>Delete “{{paste.title or paste.id}}”?</h1>
<p>The paste, every file and every revision are deleted for good; its link will say it is gone.</p>
% if error:
<p class="error" role="alert">{{error}}</p>
% end
<form method="post" action="/{{paste.id}}/delete" enctype="multipart/form-data" class="confirm">
  {{!csrf_field()}}
  % if need_token:
  <label>Manage token <input name="token" type="password" autocomplete="off" required></label>
  % end
  <div class="row">
    <button type="submit" class="danger">Delete it</button>
    <a href="/{{paste.id}}">Keep it</a>
  </div>
</form>
