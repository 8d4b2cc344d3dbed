% rebase('base.tpl', title=heading, kind='error-page')
<div class="error-page">
<p class="status">{{status}}</p>
<h1>{{heading}}</h1>
% if message:
<p>{{message}}</p>
% end
% if hint:
<p class="note">{{hint}}</p>
% end
<p><a href="/">Make a new paste</a> · <a href="/search">Search public pastes</a></p>
</div>
