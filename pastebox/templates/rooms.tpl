% rebase('base.tpl', title='Rooms', kind='rooms')
<h1>Rooms</h1>
<p class="note">A room passes text and files between your devices: open it on the laptop and on the phone, paste on one, copy on the other. It lasts a day after its last use.</p>
% if notice:
<p class="note notice" role="status">{{notice}}</p>
% end
% if error:
<p class="error" role="alert">{{error}}</p>
% end
<div class="room-start">
  <form method="post" action="/rooms" class="account-form room-new">
    {{!csrf_field()}}
    <h2>New room</h2>
    <label>PIN (optional) <input name="pin" inputmode="numeric" pattern="[0-9]{4}" maxlength="4" autocomplete="off" placeholder="4 digits"></label>
    <p class="hint">With a PIN, a device joins by typing it, or by the room's QR code or join link.</p>
    <div class="row"><button type="submit" name="action" value="new" class="primary">New room</button></div>
  </form>
  <form method="post" action="/rooms" class="account-form room-join">
    {{!csrf_field()}}
    <h2>Join a room</h2>
    <label>Room id <input name="room" value="{{room_text}}" placeholder="abcde-fghjk" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="40" required{{!' autofocus aria-invalid="true"' if error_field == 'room' else ''}}></label>
    <div class="row"><button type="submit" name="action" value="join">Join</button></div>
  </form>
</div>
