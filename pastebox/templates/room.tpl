% rebase('base.tpl', title='Room ' + shown_id, kind='room')
<div class="room" id="room" data-room="{{room.id}}" data-feed="/api/rooms/{{room.id}}/feed" data-version="{{room.version}}" data-poll="{{poll_ms[0]}}" data-poll-hidden="{{poll_ms[1]}}" data-max-bytes="{{max_file_bytes}}">
<div class="room-head">
  <h1>Room <span class="room-id">{{shown_id}}</span></h1>
  <p class="meta">
    <span id="room-devices">{{device_count}} device{{'' if device_count == 1 else 's'}} here</span>
    <span><time id="room-left" datetime="{{expires_iso}}" title="expires {{expires_iso}} without use">{{time_left}}</time></span>
    <span>{{'PIN protected' if room.has_pin else 'no PIN: anyone with the id can join'}}</span>
  </p>
</div>
<p class="error" role="alert" id="room-error"{{!'' if error else ' hidden'}}>{{error}}</p>
<div class="room-grid">
<div class="room-main">
  <form id="send-form" class="room-send" method="post" action="/r/{{room.id}}/send" enctype="multipart/form-data">
    {{!csrf_field()}}
    <textarea id="room-text" name="content" rows="7" spellcheck="false" autocomplete="off" aria-label="Text to send" placeholder="Type or paste here, then Send (Ctrl+Enter)">
{{kept}}</textarea>
    <div class="row">
      <button type="submit" class="primary">Send</button>
      <label class="device">Sending as <input name="device" value="{{device}}" maxlength="64" autocomplete="off" spellcheck="false"></label>
    </div>
  </form>
  <form id="upload-form" class="room-upload" method="post" action="/r/{{room.id}}/upload" enctype="multipart/form-data">
    {{!csrf_field()}}
    <input type="hidden" name="device" value="{{device}}">
    <label>Send a file <input type="file" name="file" multiple></label>
    <button type="submit">Upload</button>
    <p class="hint">Or drop files on the page, or paste an image. At most {{human_size(max_file_bytes)}} each.</p>
  </form>
  <section class="room-current" aria-labelledby="current-heading">
    <div class="section-head">
      <h2 id="current-heading">Current text</h2>
      <span class="meta" id="room-content-at">{{('sent ' + ago(room.content_at)) if room.content else ''}}</span>
      <button type="button" class="copy" data-copy="room-content">Copy</button>
    </div>
    <pre id="room-content" class="room-text">{{room.content}}</pre>
  </section>
  <section class="room-feed" aria-labelledby="feed-heading">
    <h2 id="feed-heading">Recent</h2>
    <p class="note" id="feed-empty"{{!' hidden' if items else ''}}>Nothing sent yet.</p>
    <ol id="feed" class="feed">
% for item in items:
      <li class="item item-{{item.kind}}" data-id="{{item.id}}">
        <div class="item-head">
          <span class="item-device">{{item.device}}</span>
          <time datetime="{{iso_text(item.created_at)}}">{{ago(item.created_at)}}</time>
%   if item.kind == 'text':
          <span class="item-tools"><button type="button" class="copy" data-copy="item-{{item.id}}">Copy</button></span>
        </div>
        <pre class="item-body" id="item-{{item.id}}">{{item.text}}</pre>
%   else:
          <span class="item-size">{{human_size(item.size)}}</span>
          <span class="item-tools"><a href="{{file_url(item)}}" target="_blank" rel="noopener">View</a> <a href="{{file_url(item)}}" download="{{item.name}}">Download</a></span>
        </div>
        <a class="item-file" href="{{file_url(item)}}" target="_blank" rel="noopener">{{item.name}}</a>
%     if is_image(item):
        <a class="item-picture" href="{{file_url(item)}}" target="_blank" rel="noopener"><img class="item-image" src="{{file_url(item)}}" alt="{{item.name}}" loading="lazy"></a>
%     end
%   end
      </li>
% end
    </ol>
  </section>
</div>
<aside class="room-side">
  <img class="qr" src="{{qr_data_uri}}" alt="QR code of this room's join link" width="256" height="256">
  <p class="hint">Scan it on another device to join{{(' without the PIN (the code works for %s)' % invite_ttl) if room.has_pin else ''}}.</p>
  <div class="section-head">
    <code id="join-link" class="join-link">{{join_link}}</code>
    <button type="button" class="copy" data-copy="join-link">Copy</button>
  </div>
  <details class="room-delete">
    <summary>Delete room</summary>
    <form method="post" action="/r/{{room.id}}/delete">
      {{!csrf_field()}}
      <p class="note">Everything in it goes, for every device.</p>
      <button type="submit" class="danger">Delete room</button>
    </form>
  </details>
</aside>
</div>
</div>
<script src="/static/rooms.js" defer></script>
