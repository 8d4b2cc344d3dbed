% rebase('base.tpl', title='Room ' + shown_id, kind='room-pin')
<h1>Room {{shown_id}}</h1>
<p>This room has a PIN. Type it once: this browser stays a member of the room after.</p>
% if error:
<p class="error" role="alert">{{error}}</p>
% end
<form method="post" action="/r/{{room_id}}/join" class="account-form room-pin">
  {{!csrf_field()}}
  <label>PIN <input name="pin" type="password" inputmode="numeric" pattern="[0-9]{4}" maxlength="4" autocomplete="off" required autofocus></label>
  <div class="row"><button type="submit" class="primary">Open the room</button></div>
</form>
<p class="note">No PIN? Scan the QR code shown on a device that is in the room, or open its join link.</p>
