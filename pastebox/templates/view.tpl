% rebase('base.tpl', title=paste.title)
<h1>{{paste.title or paste.id}}</h1>
<p class="meta">{{len(paste.files)}} file{{'s' if len(paste.files) != 1 else ''}} · {{size}} · created {{created}} · {{expires}}</p>
% if paste.is_e2ee:
<p class="note">This paste is end-to-end encrypted; its key travels only in the link's #fragment.</p>
% end
% for f, rendered in files:
<section class="file" id="file-{{f.position + 1}}">
  <header><span class="name">{{f.name}}</span> <span class="lang">{{rendered.language if rendered else 'binary'}}</span>
    <a href="/raw/{{paste.id}}/{{quote(f.name)}}">raw</a>
    <a href="/raw/{{paste.id}}/{{quote(f.name)}}?download=1">download</a></header>
  % if rendered:
  {{!rendered.html}}
  % else:
  <p class="note">Binary file, {{f.size}} bytes.</p>
  % end
</section>
% end
