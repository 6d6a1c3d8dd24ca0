"""The exported Next.js front end, served by the api process at `/`.

Next's static export (`trailingSlash: true`) writes `page/index.html` plus the `page/index.txt`
payloads its client router fetches with a `?_rsc=…` query string; Starlette's StaticFiles serves both
(it ignores the query string), answers HEAD, and never lists a directory. Paths under /api and
/media are not the front end's: a miss there stays a problem JSON 404, not the shop's 404 page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

RESERVED_PREFIXES = ("api/", "media/")

_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>o11yshop</title></head>
<body style="font-family: system-ui; max-width: 40rem; margin: 4rem auto">
<h1>o11yshop</h1><p>The API is running, but the storefront has not been built yet
(<code>make run</code> builds it). Meanwhile: <a href="/api/docs">the API's interactive docs</a>.</p>
</body></html>"""


class FrontEndFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.startswith(RESERVED_PREFIXES) or path in ("api", "media"):
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)


def mount_front_end(app: FastAPI, web_dir: Path) -> None:
    """Serve ``web_dir`` at `/` when it holds a build; otherwise a page saying how to build it."""
    if (web_dir / "index.html").is_file():
        app.mount("/", FrontEndFiles(directory=web_dir, html=True), name="web")
        return

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def front_end_not_built() -> str:
        return _NOT_BUILT
