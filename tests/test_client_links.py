"""The command-line client's link parsing, in process: a paste link is read into its parts,
anything else is refused."""

import pytest

from pastebox import client

# -- in-process: link parsing and settings ---------------------------------------------------

LINKS = {
    "paste-url": ("http://h:1/AbCdEfGh12", ("http://h:1", "AbCdEfGh12", "", None)),
    "with-key": ("https://h/AbCdEfGh12#" + "k" * 43, ("https://h", "AbCdEfGh12", "k" * 43, None)),
    "behind-a-prefix": ("https://h/paste/AbCdEfGh12", ("https://h/paste", "AbCdEfGh12", "", None)),
    "raw": ("http://h/raw/AbCdEfGh12", ("http://h", "AbCdEfGh12", "", None)),
    "raw-file": ("http://h/raw/AbCdEfGh12/a%20b.py", ("http://h", "AbCdEfGh12", "", "a b.py")),
    "language": ("http://h/AbCdEfGh12.py#L5", ("http://h", "AbCdEfGh12", "L5", None)),
    "bare-id": ("AbCdEfGh12", ("http://default:9", "AbCdEfGh12", "", None)),
    "bare-id-key": ("AbCdEfGh12#xyz", ("http://default:9", "AbCdEfGh12", "xyz", None)),
}


@pytest.mark.parametrize(("link", "expected"), LINKS.values(), ids=LINKS.keys())
def test_parse_link(link, expected):
    target = client.parse_link(link, "http://default:9")
    assert (target.server, target.paste_id, target.fragment, target.file_name) == expected


@pytest.mark.parametrize("link", ["", "x", "ftp://h/AbCdEfGh12", "http://h/", "http://h/a/b!c"])
def test_parse_link_refuses_what_is_not_a_paste(link):
    with pytest.raises(client.ClientError):
        client.parse_link(link, "http://default:9")
