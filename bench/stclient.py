"""A minimal Streamlit client that speaks the browser's websocket protocol (``/_stcore/stream``).

It does what the frontend does for our purposes (checked by recording Chromium's frames):

- connect with subprotocol ``streamlit`` (the frontend adds an XSRF token as a second entry; it
  is only checked for auth cookies, which this app does not use);
- open a page: ``BackMsg.rerun_script`` with ``page_name`` = the URL path, the query string and
  ``context_info`` (the URL feeds ``st.context.url``, used by the share links);
- move a widget: ``rerun_script`` with the current ``page_script_hash``, the new query string
  (the frontend writes bound widgets into the URL before it sends) and the widget's new state,
  plus the ``fragment_id`` the widget was drawn in (then only that ``st.fragment`` reruns);
- read ``ForwardMsg``s until ``script_finished``.

So the server really runs the script: every run's deltas (elements) are collected, the charts'
figures included, and callers check the chart is there and changed. Widget ids come from the
elements (``$$ID-<hash>-<key>`` for keyed widgets and charts).

A chart is either of the app's two designs: ``st.plotly_chart`` (the figure's JSON in
``plotly_chart.spec``; the app before its charts were redrawn in place, commit b950988) or
``ui.chart``'s element, a Custom Components v2 ``bidi_component`` named ``spotlight_chart``
whose figure travels as JSON bytes (``bidi_component.bytes``). Both are recorded the same way in
``Run.chart_crc``, so every benchmark built on this client drives either design.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

#: ``ui.chart``'s Custom Components v2 element (the chart design since commit 3925bed).
CHART_COMPONENT = "spotlight_chart"

FINISHED = ForwardMsg.ScriptFinishedStatus
DONE_STATUSES = {
    FINISHED.FINISHED_SUCCESSFULLY,
    FINISHED.FINISHED_WITH_COMPILE_ERROR,
    FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


class RunError(RuntimeError):
    pass


@dataclass
class Run:
    """What one script run sent back."""

    seconds: float = 0.0
    status: int = -1
    messages: int = 0
    bytes: int = 0
    #: element type -> count (plotly_chart, bidi_component, dataframe, ...)
    kinds: dict[str, int] = field(default_factory=dict)
    #: keyed widgets and charts: key -> (element type, element id)
    keyed: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: keyed elements drawn inside an ``st.fragment``: key -> fragment id
    fragments: dict[str, str] = field(default_factory=dict)
    #: chart key -> crc32 of its figure as sent (a ``plotly_chart`` spec or a ``spotlight_chart``
    #: element's bytes), to tell that a chart really changed
    chart_crc: dict[str, int] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    page_not_found: bool = False
    #: the text of every Markdown and alert element drawn (the class poll's counts, notices)
    texts: list[str] = field(default_factory=list)


def _key_of(element_id: str) -> str | None:
    # "$$ID-<32 hex>-<user key>" for widgets and charts with key=...
    if element_id.startswith("$$ID-") and element_id.count("-") >= 2:
        return element_id.split("-", 2)[2]
    return None


class Session:
    """One browser tab's worth of protocol. ``async with Session(url) as s: await s.open(...)``."""

    def __init__(
        self, base_url: str, *, timeout: float = 60.0, cookies: dict[str, str] | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        #: sent with the websocket's handshake, as a browser sends its cookies (``st.context``)
        self.cookies = dict(cookies or {})
        #: fragments that rerun on a timer (``st.fragment(run_every=...)``): id -> seconds,
        #: announced by the server's ``auto_rerun`` messages; the frontend reruns them itself
        self.auto_reruns: dict[str, float] = {}
        self.ws_url = self.base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.timeout = timeout
        self.session_id = ""
        self.page_script_hash = ""
        self.url_path = ""
        self.query: dict[str, str] = {}
        self.widgets: dict[str, tuple[str, str]] = {}
        self.fragments: dict[str, str] = {}
        self._ws: Any = None

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        self._ws = await connect(
            self.ws_url,
            subprotocols=["streamlit"],
            origin=self.base_url,
            compression=None,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
            additional_headers=(
                {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
                if self.cookies
                else None
            ),
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    def _client_state(self, msg: BackMsg) -> Any:
        state = msg.rerun_script
        state.query_string = "&".join(f"{k}={quote(v)}" for k, v in self.query.items())
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"{self.base_url}/{self.url_path}" + (
            f"?{state.query_string}" if state.query_string else ""
        )
        info.is_embedded, info.color_scheme = False, "light"
        return state

    async def open(self, url_path: str, query: dict[str, str] | None = None) -> Run:
        """Open a page by its URL path, as a deep link (a fresh tab would)."""
        self.url_path = url_path
        self.query = dict(query or {})
        msg = BackMsg()
        state = self._client_state(msg)
        state.page_name = url_path
        state.widget_states.SetInParent()
        return await self._run(msg)

    async def set_select_slider(
        self, key: str, formatted: str, *, in_url: bool = True, is_default: bool = False
    ) -> Run:
        """Move a select-slider (or any string-array widget) to the option shown as ``formatted``.

        Like the frontend, a URL-bound widget's value goes into the query string first (and
        out of it when it is back at its default)."""
        if key not in self.widgets:
            raise RunError(f"no widget with key {key!r} on this page (have {sorted(self.widgets)})")
        if in_url:
            if is_default:
                self.query.pop(key, None)
            else:
                self.query[key] = formatted
        msg, widget = self._widget_message(key)
        widget.string_array_value.data.append(formatted)
        return await self._run(msg)

    async def set_slider(
        self, key: str, value: float, *, in_url: bool = True, is_default: bool = False
    ) -> Run:
        """Move a numeric slider (``st.slider``, an int or float) to ``value``; like the frontend,
        a URL-bound widget's value goes into the query string (out of it at its default)."""
        if key not in self.widgets:
            raise RunError(f"no widget with key {key!r} on this page (have {sorted(self.widgets)})")
        if in_url:
            if is_default:
                self.query.pop(key, None)
            else:
                self.query[key] = f"{value:g}"
        msg, widget = self._widget_message(key)
        widget.double_array_value.data.append(float(value))
        return await self._run(msg)

    async def set_radio(self, key: str, index: int) -> Run:
        """Pick option ``index`` of the radio ``key`` (in its fragment, like the frontend)."""
        if key not in self.widgets:
            raise RunError(f"no widget with key {key!r} on this page (have {sorted(self.widgets)})")
        msg, widget = self._widget_message(key)
        widget.int_value = index
        return await self._run(msg)

    async def rerun_fragment(self, fragment_id: str) -> Run:
        """Rerun one fragment, as the frontend's timer does for ``run_every``."""
        msg = BackMsg()
        state = self._client_state(msg)
        state.page_script_hash = self.page_script_hash
        state.fragment_id = fragment_id
        state.is_auto_rerun = True
        state.widget_states.SetInParent()
        return await self._run(msg)

    def _widget_message(self, key: str) -> tuple[BackMsg, Any]:
        """A rerun message that sets the widget ``key`` (in its fragment, like the frontend):
        the message, and the widget's state to fill in."""
        msg = BackMsg()
        state = self._client_state(msg)
        state.page_script_hash = self.page_script_hash
        if key in self.fragments:
            state.fragment_id = self.fragments[key]
        widget = state.widget_states.widgets.add()
        widget.id = self.widgets[key][1]
        return msg, widget

    async def _run(self, msg: BackMsg) -> Run:
        run = Run()
        start = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        async with asyncio.timeout(self.timeout):
            while True:
                data = await self._ws.recv()
                run.messages += 1
                run.bytes += len(data)
                fwd = ForwardMsg()
                fwd.ParseFromString(data)
                kind = fwd.WhichOneof("type")
                if kind == "delta":
                    self._on_delta(fwd, run)
                elif kind == "script_finished":
                    if fwd.script_finished in DONE_STATUSES:
                        run.status = fwd.script_finished
                        break
                elif kind == "new_session":
                    self.session_id = fwd.new_session.initialize.session_id or self.session_id
                    if fwd.new_session.page_script_hash:
                        self.page_script_hash = fwd.new_session.page_script_hash
                elif kind == "navigation":
                    if fwd.navigation.page_script_hash:
                        self.page_script_hash = fwd.navigation.page_script_hash
                elif kind == "page_info_changed":
                    qs = fwd.page_info_changed.query_string
                    self.query = dict(p.split("=", 1) for p in qs.split("&") if "=" in p)
                elif kind == "page_not_found":
                    run.page_not_found = True
                elif kind == "auto_rerun":
                    self.auto_reruns[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
        run.seconds = time.perf_counter() - start
        self.widgets.update(run.keyed)
        self.fragments.update(run.fragments)
        return run

    @staticmethod
    def _on_delta(fwd: ForwardMsg, run: Run) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        etype = element.WhichOneof("type")
        if etype is None:
            return
        run.kinds[etype] = run.kinds.get(etype, 0) + 1
        if etype == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            return
        if etype in ("markdown", "alert"):
            run.texts.append(getattr(element, etype).body)
        body = getattr(element, etype)
        element_id = getattr(body, "id", "") if hasattr(body, "id") else ""
        key = _key_of(element_id) if element_id else None
        if key is None:
            return
        run.keyed[key] = (etype, element_id)
        if delta.fragment_id:
            run.fragments[key] = delta.fragment_id
        crc = chart_crc(etype, body)
        if crc is not None:
            run.chart_crc[key] = crc


def chart_crc(etype: str, body: Any) -> int | None:
    """crc32 of a chart element's figure as the server sent it, None if it is not a chart:
    ``st.plotly_chart``'s spec, or the bytes (or JSON) of ``ui.chart``'s element."""
    if etype == "plotly_chart":
        return zlib.crc32(body.spec.encode())
    if etype == "bidi_component" and body.component_name == CHART_COMPONENT:
        data = body.WhichOneof("data")
        if data == "bytes":
            return zlib.crc32(body.bytes)
        if data == "json":
            return zlib.crc32(body.json.encode())
        return zlib.crc32(getattr(body, data).SerializeToString()) if data else None
    return None
