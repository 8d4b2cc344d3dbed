"""The JSON shapes of pastes the API (and curl's JSON replies) write, in the seed's field names."""

import base64
from typing import Any
from urllib.parse import quote

from pastebox.core.model import Paste, PasteFile, PasteSummary, Revision, SearchHit
from pastebox.web.convert import iso


def file_json(f: PasteFile, *, with_content: bool = True) -> dict[str, Any]:
    """A file for JSON: UTF-8 text as is; other bytes as base64 with encoding marked."""
    out: dict[str, Any] = {"name": f.name, "language": f.language or "text", "size": f.size}
    if with_content:
        if f.is_text:
            out["content"], out["encoding"] = f.text, "utf-8"
        else:
            out["content"], out["encoding"] = base64.b64encode(f.content).decode(), "base64"
    return out


def paste_urls(base: str, paste: Paste) -> dict[str, str]:
    return {"url": f"{base}/{paste.id}", "rawUrl": f"{base}/raw/{paste.id}"}


def paste_json(base: str, paste: Paste, *, with_content: bool = True) -> dict[str, Any]:
    """A paste in the seed's field names; `content` and `syntax` describe the first file."""
    first = paste.files[0] if paste.files else None
    body: dict[str, Any] = {
        "publicId": paste.id,
        **paste_urls(base, paste),
        "title": paste.title,
        "syntax": (first.language if first else None) or "text",
    }
    if with_content and first is not None:
        body["content"] = first.text if first.is_text else file_json(first)["content"]
    body.update(
        isE2ee=paste.is_e2ee,
        hasPassword=paste.protected,
        burnAfterRead=paste.burn,
        viewCount=paste.views,
        exposure=paste.exposure,
        revision=paste.revision,
        expiresAt=iso(paste.expires_at),
        createdAt=iso(paste.created_at),
        updatedAt=iso(paste.updated_at),
        files=[
            {
                **file_json(f, with_content=with_content),
                "rawUrl": f"{base}/raw/{paste.id}/{quote(f.name)}",
            }
            for f in paste.files
        ],
    )
    return body


def summary_json(base: str, row: PasteSummary) -> dict[str, Any]:
    """One paste in a list of the asker's pastes."""
    return {
        "publicId": row.id,
        "url": f"{base}/{row.id}",
        "title": row.title,
        "syntax": row.language or "text",
        "exposure": row.exposure,
        "burnAfterRead": row.burn,
        "size": row.size,
        "createdAt": iso(row.created_at),
        "expiresAt": iso(row.expires_at),
    }


def revision_json(revision: Revision) -> dict[str, Any]:
    return {
        "revision": revision.number,
        "title": revision.title,
        "createdAt": iso(revision.created_at),
        "files": [file_json(f) for f in revision.files],
    }


def hit_json(base: str, hit: SearchHit) -> dict[str, Any]:
    """One search result; the snippet without FTS5's match markers."""
    return {
        "publicId": hit.id,
        "url": f"{base}/{hit.id}",
        "title": hit.title,
        "fileName": hit.file_name,
        "syntax": hit.language or "text",
        "snippet": hit.snippet.replace("\x02", "").replace("\x03", ""),
        "exposure": hit.exposure,
        "createdAt": iso(hit.created_at),
    }
