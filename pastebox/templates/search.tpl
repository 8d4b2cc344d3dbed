% rebase('base.tpl', title=('Search: ' + query) if query else 'Search', kind='search', query=query)
<h1>Search</h1>
<form class="search" action="/search" method="get" role="search">
  <input type="search" name="q" value="{{query}}" aria-label="Search text" placeholder="words, &quot;a phrase&quot;, lang:python, title:notes, file:setup.py">
  <button type="submit" class="primary">Search</button>
</form>
% if error:
<p class="error" role="alert">{{error}}</p>
% end
% if hits:
<ol class="hits">
  % for hit in hits:
  <li>
    <p class="hit-head"><a href="/{{hit.id}}">{{hit.title or hit.id}}</a>
      <span class="meta">{{hit.file_name}} · {{language_label(hit.language) if hit.language else 'auto'}} · {{ago(hit.created_at)}}</span></p>
    <pre class="snippet">{{!snippet_html(hit.snippet)}}</pre>
  </li>
  % end
</ol>
% elif query.strip() and not error:
<p class="empty">No public paste matches <strong>{{query}}</strong>.</p>
% end
% if previous_link or next_link:
<nav class="pages" aria-label="Result pages">
  % if previous_link:
  <a rel="prev" href="{{previous_link}}">← Previous</a>
  % end
  <span>Page {{page_number}}</span>
  % if next_link:
  <a rel="next" href="{{next_link}}">Next →</a>
  % end
</nav>
% end
% if not hits:
<section class="syntax-help">
  <h2>How to search</h2>
  <p>Public pastes are searched by their title, file names and text. Every word must appear.</p>
  <dl>
    <dt><code>deploy nginx</code></dt><dd>both words, anywhere</dd>
    <dt><code>"connection refused"</code></dt><dd>the exact phrase</dd>
    <dt><code>config*</code></dt><dd>words starting with config</dd>
    <dt><code>lang:python</code></dt><dd>only files in that language</dd>
    <dt><code>title:notes</code></dt><dd>the word in the title</dd>
    <dt><code>file:setup.py</code></dt><dd>the word in a file name</dd>
  </dl>
</section>
% end
