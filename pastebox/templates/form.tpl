% rebase('base.tpl', title=heading if mode != 'edit' else 'Edit ' + (paste.title or paste.id), kind='form')
% if mode == 'edit':
<h1>Edit <a href="/{{paste.id}}">{{paste.title or paste.id}}</a></h1>
<p class="note">Saving adds revision {{paste.revision + 1}}; the current one stays in the history.</p>
% elif mode == 'fork':
<h1>New paste from <a href="/{{paste.id}}">{{paste.title or paste.id}}</a></h1>
% else:
<h1>New paste</h1>
% end
<form class="paste-form" method="post" action="{{action}}" enctype="multipart/form-data" data-max-bytes="{{max_bytes}}">
  {{!csrf_field()}}
  <!-- Enter in a one-line field presses the form's first submit button: this one, not Remove. -->
  <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true">{{'Save' if mode == 'edit' else 'Create paste'}}</button>
  <p class="error" role="alert" id="form-error"{{!'' if error else ' hidden'}}>{{error}}</p>
  % if get('dropped', ''):
  <p class="note notice" id="form-dropped">The text you sent ({{dropped}}) is too large to send back in this page: paste or upload it again.</p>
  % end
  <label class="wide">Title <input name="title" value="{{form.title}}" maxlength="255" autocomplete="off"></label>
  <div class="files">
  % for i, f in enumerate(form.files):
  % include('file_input.tpl', file=f, number=i + 1, language_choices=language_choices)
  % end
  </div>
  <div class="row file-actions">
    <button type="submit" name="add_file" value="1" formnovalidate>Add a file</button>
    <label class="upload">or upload <input type="file" name="upload" multiple></label>
  </div>
  <p class="note" id="form-pasted" role="status" hidden></p>
  % if mode != 'edit':
  <div class="row options">
    <label>Expires <select name="ttl">
      % for value, label in ttl_choices:
      <option value="{{value}}"{{!' selected' if value == ttl_value else ''}}>{{label}}</option>
      % end
    </select></label>
    <label>Exposure <select name="exposure">
      % for value, label in (('unlisted', 'unlisted: by link only'), ('public', 'public: listed and searchable'), ('private', 'private: only you')):
      <option value="{{value}}"{{!' selected' if value == form.exposure else ''}}>{{label}}</option>
      % end
    </select></label>
    <label class="check"><input type="checkbox" name="burn" value="1"{{!' checked' if form.burn else ''}}> Burn after reading</label>
    % if mode == 'new':
    <label class="check e2ee-option"><input type="checkbox" id="e2ee-toggle"> Encrypt in my browser (the server never sees the text)</label>
    % end
    <label>Password <input type="password" name="password" autocomplete="new-password" placeholder="optional" maxlength="1024"></label>
  </div>
  % end
  % if need_token:
  <label class="wide">Manage token <input name="token" type="password" autocomplete="off"></label>
  % end
  <div class="row submit">
    <button type="submit" name="submit" value="1" class="primary">{{'Save' if mode == 'edit' else 'Create paste'}}</button>
    <span class="hint">Ctrl+Enter submits · Tab indents (Esc, then Tab moves on) · drop text files on the page · paste an image to upload it</span>
  </div>
</form>
<template id="file-template">
% include('file_input.tpl', file=form.files[0].__class__(), number=0, language_choices=language_choices)
</template>
% if mode == 'new':
{{!e2ee_scripts()}}
% end
% if manual:
<h2>From a shell</h2>
<pre class="manual">{{manual}}</pre>
% end
