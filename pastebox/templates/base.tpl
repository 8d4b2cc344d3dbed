<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{title + " · " if title else ""}}pastebox</title>
<link rel="stylesheet" href="/static/pastebox.css">
<link rel="stylesheet" href="/static/pygments.css">
</head>
<body>
<header class="top"><a class="brand" href="/">pastebox</a></header>
<main>
{{!base}}
</main>
</body>
</html>
