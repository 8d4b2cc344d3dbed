% rebase('base.tpl', title='My pastes', kind='me')
<h1>My pastes</h1>
% if rows:
<div class="table-wrap">
<table class="my-pastes">
  <thead><tr><th scope="col">Paste</th><th scope="col">Language</th><th scope="col">Size</th><th scope="col">Who sees it</th><th scope="col">Created</th><th scope="col">Expires</th></tr></thead>
  <tbody>
  % for row in rows:
    <tr>
      <td><a href="/{{row.id}}">{{row.title or row.id}}</a>{{!' <span class="tag">burn after reading</span>' if row.burn else ''}}</td>
      <td>{{language_label(row.language) if row.language else 'Auto'}}</td>
      <td>{{human_size(row.size)}}</td>
      <td>{{row.exposure}}</td>
      <td><time datetime="{{iso_text(row.created_at)}}" title="{{utc_text(row.created_at)}}">{{ago(row.created_at)}}</time></td>
      <td>{{utc_text(row.expires_at) if row.expires_at else 'never'}}</td>
    </tr>
  % end
  </tbody>
</table>
</div>
% elif page_number == 1:
<p class="empty">You have no pastes yet. <a href="/new">Make one</a>: while you are signed in, every paste you make is yours.</p>
% else:
<p class="empty">No more pastes. <a href="/me">Back to the first page</a>.</p>
% end
% if previous_link or next_link:
<nav class="pages" aria-label="Pages of my pastes">
  % if previous_link:
  <a rel="prev" href="{{previous_link}}">← Previous</a>
  % end
  <span>Page {{page_number}}</span>
  % if next_link:
  <a rel="next" href="{{next_link}}">Next →</a>
  % end
</nav>
% end
