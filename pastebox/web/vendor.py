"""The vendored browser scripts and their Subresource Integrity hashes, in one place.

pastebox/static/vendor/README says where each file came from; tests/test_e2ee_pages.py
recomputes each hash from the file, so a changed file and a stale hash cannot ship together.
"""

TWEETNACL_PATH = "/static/vendor/nacl-fast.min.js"  # tweetnacl 1.0.3, public domain
TWEETNACL_SRI = "sha384-05+sicyRJQ56XpL4U9HJ8YbtSzFDvAg7apPKOGV6A0JsAJKFM68jp5oLnUjG5mEp"
E2EE_SCRIPT_PATH = "/static/e2ee.js"


def e2ee_scripts() -> str:
    """The two script tags of a page that seals or opens an end-to-end encrypted paste (for
    templates: `{{!e2ee_scripts()}}`): tweetnacl under its SRI hash, then e2ee.js. Both are
    deferred, so they run after pastebox.js and in this order."""
    return (
        f'<script src="{TWEETNACL_PATH}" integrity="{TWEETNACL_SRI}" defer></script>\n'
        f'<script src="{E2EE_SCRIPT_PATH}" defer></script>'
    )
