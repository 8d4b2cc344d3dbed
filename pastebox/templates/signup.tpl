% rebase('base.tpl', title='Sign up', kind='signup')
<h1>Sign up</h1>
<p class="note">An account keeps your pastes together on <a href="/me">one page</a>, lets you edit them from any browser, and gives you API keys for scripts.</p>
% if error:
<p class="error" role="alert">{{error}}</p>
% end
<form method="post" action="/signup" class="account-form">
  {{!csrf_field()}}
  <label>Name <input name="name" value="{{user_name}}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="40" pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}" aria-describedby="name-hint" required{{' autofocus' if error_field in ('', 'name') else ''}}></label>
  <p class="hint" id="name-hint">1 to 40 letters, digits, “.”, “_” or “-”, starting with a letter or digit.</p>
  <label>Password <input name="password" type="password" autocomplete="new-password" minlength="{{min_chars}}" aria-describedby="password-hint" required{{' autofocus' if error_field in ('password', 'confirm') else ''}}></label>
  <p class="hint" id="password-hint">At least {{min_chars}} characters.</p>
  <label>Password again <input name="confirm" type="password" autocomplete="new-password" minlength="{{min_chars}}" required></label>
  <div class="row"><button type="submit" class="primary">Sign up</button></div>
</form>
<p class="note">Have an account? <a href="/login">Log in</a>.</p>
