% rebase('base.tpl', title='Log in', kind='login')
<h1>Log in</h1>
% if error:
<p class="error" role="alert">{{error}}</p>
% end
<form method="post" action="/login" class="account-form">
  {{!csrf_field()}}
  <input type="hidden" name="next" value="{{next_path}}">
  <label>Name <input name="name" value="{{user_name}}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="40" required{{'' if user_name else ' autofocus'}}></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required{{' autofocus' if user_name else ''}}></label>
  <div class="row"><button type="submit" class="primary">Log in</button></div>
</form>
% if signup:
<p class="note">No account yet? <a href="/signup">Sign up</a>.</p>
% end
