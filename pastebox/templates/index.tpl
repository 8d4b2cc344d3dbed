% rebase('base.tpl', title='')
<h1>New paste</h1>
<form class="new" method="post" action="/" enctype="multipart/form-data">
  <label>Title <input name="title" maxlength="255"></label>
  <label>File name <input name="name" maxlength="255" placeholder="paste.txt"></label>
  <textarea name="content" rows="18" required spellcheck="false" aria-label="Content"></textarea>
  <div class="row">
    <label>Expires <select name="ttl">
      % for value, label in ttl_choices:
      <option value="{{value}}"{{!' selected' if value == ttl_default else ''}}>{{label}}</option>
      % end
    </select></label>
    <label>Exposure <select name="exposure">
      <option value="unlisted" selected>unlisted</option>
      <option value="public">public</option>
      <option value="private">private</option>
    </select></label>
    <label><input type="checkbox" name="burn" value="1"> Burn after read</label>
    <button type="submit">Paste</button>
  </div>
</form>
<h2>From a shell</h2>
<pre class="manual">{{manual}}</pre>
