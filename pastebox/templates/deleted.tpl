% rebase('base.tpl', title='Deleted', kind='deleted')
<h1>Deleted</h1>
<p>The paste {{paste_id}} and its history are gone from this server.</p>
<p><a href="/">Make a new paste</a></p>
