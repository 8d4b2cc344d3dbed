<fieldset class="file-input">
  <legend>File <span class="file-number">{{number}}</span></legend>
  <div class="file-meta">
    <input name="name" value="{{file.name}}" maxlength="255" placeholder="file name (optional)" aria-label="File name" autocomplete="off" spellcheck="false">
    <select name="lang" aria-label="Language">
      % for value, label in language_choices(file.language):
      <option value="{{value}}"{{!' selected' if value == file.language else ''}}>{{label}}</option>
      % end
    </select>
    <button type="submit" name="remove_file" value="{{number - 1}}" formnovalidate class="remove" aria-label="Remove file {{number}}">Remove</button>
  </div>
  <textarea name="content" rows="16" spellcheck="false" autocapitalize="off" autocomplete="off" aria-label="Content of file {{number}}">
{{file.content}}</textarea>
</fieldset>
