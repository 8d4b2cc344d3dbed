% rebase('base.tpl', title='Password needed', kind='unlock')
<h1>This paste is protected by a password</h1>
% if paste.burn:
<p>It will be deleted from the server once you open it.</p>
% end
% if error:
<p class="error" role="alert">{{error}}</p>
% end
<form method="post" action="/{{paste.id}}" class="confirm unlock">
  {{!csrf_field()}}
  <label>Password <input name="password" type="password" autocomplete="off" required autofocus></label>
  <div class="row"><button type="submit" class="primary">{{'Open it and delete it' if paste.burn else 'Open'}}</button></div>
</form>
