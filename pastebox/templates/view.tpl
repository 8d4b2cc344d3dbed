% rebase('base.tpl', title=paste.title or paste.id, kind='view')
<div class="paste-head">
  <h1>{{paste.title or paste.id}}</h1>
  <p class="meta">
    % if paste.is_e2ee:
    <span id="e2ee-summary">end-to-end encrypted</span>
    % else:
    <span>{{len(files)}} file{{'s' if len(files) != 1 else ''}}</span>
    % end
    % if languages:
    <span>{{', '.join(languages)}}</span>
    % end
    <span>{{size}}</span>
    <span>created <time datetime="{{created_iso}}" title="{{created_utc}}">{{created}}</time></span>
    <span{{!' title="%s"' % expires_utc if expires_utc else ''}}>{{expires}}</span>
    % if paste.revision > 1:
    <span>revision {{paste.revision}}</span>
    % end
  </p>
  <nav class="actions" aria-label="Paste actions">
    % if linkable:
    <a href="/raw/{{paste.id}}" data-key="r">Raw</a>
    <a href="/zip/{{paste.id}}" download>Zip</a>
    % end
    % if changeable:
    <a href="/{{paste.id}}/fork">New paste from this</a>
    <a href="/{{paste.id}}/edit">Edit</a>
    <a href="/{{paste.id}}/delete" class="danger">Delete</a>
    % end
  </nav>
</div>
% if manage_token:
<details class="manage">
  <summary>Manage token</summary>
  <p class="note">This browser made the paste and keeps the token that edits and deletes it. Keep a copy to do that from elsewhere: the edit and delete pages ask for it, and the API takes it as <code>X-Manage-Token</code>.</p>
  <code class="token">{{manage_token}}</code>
</details>
% end
% if revealed:
<p class="note notice">This was the only reading: the paste is gone from the server. Copy what you need now.</p>
% end
% if paste.protected:
<p class="note">Opened with its password; it is not kept readable anywhere. Raw and zip downloads need the password in a header: <code>curl -H 'Paste-Authorization: …' {{paste.id}}</code>.</p>
% end
% if paste.is_e2ee:
<div id="e2ee" data-sealed="{{sealed}}" data-languages="{{language_labels}}">
  <p class="note" id="e2ee-status" role="status">This paste is end-to-end encrypted: your browser opens it with the key in the link's #fragment, which never reaches the server. Opening it needs JavaScript.</p>
</div>
{{!e2ee_scripts()}}
% end
% for v in files:
<section class="file" id="file-{{v.number}}" data-anchor="{{v.anchor}}">
  <header>
    <a class="name" href="#file-{{v.number}}">{{v.file.name}}</a>
    <span class="lang">{{language_label(v.rendered.language) if v.rendered else ('image' if v.image else 'binary')}}</span>
    % if v.rendered:
    <span class="lines">{{v.rendered.all_lines}} line{{'s' if v.rendered.all_lines != 1 else ''}}</span>
    % end
    <span class="tools">
      % if v.rendered and not v.rendered.cut:
      <button type="button" class="copy" data-copy="file-{{v.number}}">Copy</button>
      % end
      % if linkable:
      <a href="/raw/{{paste.id}}/{{quote(v.file.name)}}">Raw</a>
      <a href="/raw/{{paste.id}}/{{quote(v.file.name)}}?download=1">Download</a>
      % end
    </span>
  </header>
  % if v.rendered and v.rendered.fallback == 'timeout':
  <p class="note render-note" id="file-{{v.number}}-plain">Highlighting took too long, so this file is shown as plain text.</p>
  % elif v.rendered and v.rendered.fallback:
  <p class="note render-note" id="file-{{v.number}}-plain">The server was too busy to highlight this file, so it is shown as plain text; reload to try again.</p>
  % end
  % if v.rendered and v.rendered.cut:
  <p class="note cut-note" id="file-{{v.number}}-cut">{{cut_note(v.rendered)}}
    % if linkable:
    The whole file is in <a href="/raw/{{paste.id}}/{{quote(v.file.name)}}">Raw</a>.
    % elif revealed:
    The rest was not shown, and the paste is now gone from the server.
    % else:
    The whole file can be downloaded with the password (see above).
    % end
  </p>
  % end
  % if v.shows_code:
  <div class="code-wrap"{{!' data-newline="1"' if v.ends_with_newline else ''}}>{{!code_mark}}</div>
  % elif v.image and linkable:
  <figure class="image"><img src="/raw/{{paste.id}}/{{quote(v.file.name)}}" alt="{{v.file.name}}"></figure>
  % elif not v.rendered:
  <p class="note binary">Binary file, {{v.file.size}} bytes.</p>
  % end
</section>
% end
<details class="keys" id="keys">
  <summary>Keyboard shortcuts</summary>
  <dl>
    <dt><kbd>r</kbd></dt><dd>raw text</dd>
    <dt><kbd>c</kbd></dt><dd>copy the first file (or the one with selected lines)</dd>
    <dt><kbd>n</kbd></dt><dd>new paste</dd>
    <dt><kbd>?</kbd></dt><dd>show or hide this list</dd>
  </dl>
  <p class="note">Click a line number to link to it; shift-click another to link to the range.</p>
</details>
