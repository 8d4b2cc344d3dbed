<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>{{title + " · " if title else ""}}pastebox</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/pastebox.css">
<link rel="stylesheet" href="/static/pygments.css">
<script src="/static/pastebox.js" defer></script>
</head>
<body data-page="{{get('kind', 'other')}}">
<header class="top">
  <a class="brand" href="/">pastebox</a>
  <nav class="top-links"><a href="/new" data-key="n">New</a> <a href="/rooms">Rooms</a></nav>
  <form class="top-search" action="/search" method="get" role="search">
    <input type="search" name="q" value="{{get('query', '')}}" placeholder="Search public pastes" aria-label="Search public pastes">
  </form>
  <nav class="top-account" aria-label="Account">
% me = viewer()
% if me:
    <a href="/me">My pastes</a>
    <a href="/settings" title="Signed in as {{me.name}}">Settings</a>
    <form method="post" action="/logout" class="logout">{{!csrf_field()}}<button type="submit">Log out</button></form>
% else:
    <a href="/login">Log in</a>
%   if signup_open():
    <a href="/signup">Sign up</a>
%   end
% end
  </nav>
</header>
<main>
{{!base}}
</main>
</body>
</html>
