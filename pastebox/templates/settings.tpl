% rebase('base.tpl', title='Settings', kind='settings')
<h1>Settings</h1>
<p class="meta">Signed in as <strong>{{user.name}}</strong>.</p>
% if notice:
<p class="notice" role="status">{{notice}}</p>
% end
% if error and error_form in ('key', 'keys'):
<p class="error" role="alert">{{error}}</p>
% end
<section class="api-keys" aria-labelledby="keys-heading">
  <h2 id="keys-heading">API keys</h2>
  <p class="note">Scripts and the <code>pastebox paste</code> command send a key as <code>X-Api-Key</code>; pastes made with it are yours.</p>
  % if new_key:
  <div class="new-key">
    <p><strong>Your new API key.</strong> Copy it now: it is shown this once, and the server keeps only a hash of it.</p>
    <code class="token">{{new_key}}</code>
  </div>
  % end
  % if keys:
  <div class="table-wrap">
  <table class="keys-table">
    <thead><tr><th scope="col">Key</th><th scope="col">Label</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead>
    <tbody>
    % for key in keys:
      <tr>
        <td>#{{key.id}}</td>
        <td>{{key.label or '—'}}</td>
        <td><time datetime="{{iso_text(key.created_at)}}">{{utc_text(key.created_at)}}</time></td>
        <td><form method="post" action="/settings/keys/{{key.id}}/revoke">{{!csrf_field()}}<button type="submit" class="danger" aria-label="Revoke key #{{key.id}}">Revoke</button></form></td>
      </tr>
    % end
    </tbody>
  </table>
  </div>
  % else:
  <p class="empty">You have no API keys.</p>
  % end
  <form method="post" action="/settings/keys" class="account-form inline">
    {{!csrf_field()}}
    <label>Label <input name="label" value="{{label}}" maxlength="100" placeholder="laptop, CI …"></label>
    <button type="submit" class="primary">Create a key</button>
  </form>
</section>
<section class="password" aria-labelledby="password-heading">
  <h2 id="password-heading">Password</h2>
  % if error and error_form == 'password':
  <p class="error" role="alert">{{error}}</p>
  % end
  <form method="post" action="/settings/password" class="account-form">
    {{!csrf_field()}}
    <input type="text" name="username" value="{{user.name}}" autocomplete="username" hidden>
    <label>Current password <input name="current" type="password" autocomplete="current-password" required></label>
    <label>New password <input name="new" type="password" autocomplete="new-password" minlength="{{min_chars}}" required></label>
    <label>New password again <input name="confirm" type="password" autocomplete="new-password" minlength="{{min_chars}}" required></label>
    <p class="hint">At least {{min_chars}} characters. Changing it signs out every other browser.</p>
    <div class="row"><button type="submit" class="primary">Change the password</button></div>
  </form>
</section>
