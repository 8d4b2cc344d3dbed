"""The HTML pages, one module per kind: layout (the frame and words every page shares), view
(a paste, its burn interstitial and password form), forms (new, fork, edit, delete), search,
account, errors and static files."""
