"""The official Python SDK (google-genai, installed by tests/sdk/python/setup.sh) on
the emulator's Live endpoint: tokens minted with the SDK, sessions opened with
`client.aio.live.connect` and the token as the API key (the SDK then sends it as
`Authorization: Token auth_tokens/...`), refusals as the SDK surfaces them, and the
effective setup of each lock mode read back from GET /emulator/sessions.

    tests/sdk/python/.venv/bin/python tests/sdk-live/live.py --base https://127.0.0.1:PORT --key KEY

The SDK always opens `wss://` (it replaces the base URL's scheme), so the emulator runs
with --tls and SSL_CERT_FILE names its CA, which the SDK reads for both its HTTP client
and its WebSocket. Prints `pass python CASE` or `FAIL python CASE: why` per case;
tests/sdk-live/run.sh counts them.
"""

import argparse
import asyncio
import datetime
import json
import pathlib
import ssl
import urllib.request
import warnings

import websockets
from google import genai
from google.genai import errors, types

HERE = pathlib.Path(__file__).resolve().parent
CASES = json.loads((HERE / "cases.json").read_text())
# A step that takes longer than this has hung: a bound for liveness, not a timing check.
STEP_S = 15.0

# The SDK warns that token support is experimental, once per connection.
warnings.filterwarnings("ignore", category=errors.ExperimentalWarning)


def in_seconds(seconds):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)


def echo(text, setup):
    """The model turn the emulator answers a text turn with."""
    return f'echo: {text} (model {setup["model"]}; system instruction: "{setup["systemInstruction"]}")'


def sessions_of_token(body, token):
    return [session for session in body["sessions"] if session["token"] == token]


def summary(setup):
    """The fields of a setup the cases set, in the shape of cases.json."""
    setup = setup or {}
    generation = setup.get("generationConfig") or {}
    parts = (setup.get("systemInstruction") or {}).get("parts") or []
    return {
        "model": setup.get("model"),
        "systemInstruction": " ".join(part.get("text", "") for part in parts),
        "temperature": generation.get("temperature"),
        "topP": generation.get("topP"),
        "maxOutputTokens": generation.get("maxOutputTokens"),
        "responseModalities": generation.get("responseModalities"),
    }


ENDED_KEYS = ("method", "apiVersion", "credential", "setupComplete", "turns", "closedBy", "closeCode")


def ended(session):
    return {key: session[key] for key in ENDED_KEYS}


class Live:
    def __init__(self, base, key):
        self.base = base
        self.http_options = {"api_version": "v1alpha", "base_url": base}
        self.minter = genai.Client(api_key=key, http_options=self.http_options)

    def mint(self, uses=1, expire_in=1800, new_session_in=60, lock=None):
        token = CASES["token"]
        config = {
            "uses": uses,
            "expire_time": in_seconds(expire_in),
            "new_session_expire_time": in_seconds(new_session_in),
            "live_connect_constraints": {
                "model": token["model"],
                "config": {
                    "system_instruction": token["systemInstruction"],
                    "temperature": token["temperature"],
                    "response_modalities": ["TEXT"],
                },
            },
        }
        if lock == "set":
            config["lock_additional_fields"] = []
        elif lock == "extra":
            config["lock_additional_fields"] = ["top_p"]
        return self.minter.auth_tokens.create(config=config).name

    def client_config(self):
        client = CASES["client"]
        return {
            "system_instruction": client["systemInstruction"],
            "temperature": client["temperature"],
            "top_p": client["topP"],
            "max_output_tokens": client["maxOutputTokens"],
            "response_modalities": ["TEXT"],
        }

    def connect(self, token):
        client = genai.Client(api_key=token, http_options=self.http_options)
        return client.aio.live.connect(model=CASES["client"]["model"], config=self.client_config())

    def sessions_of(self, token):
        """The emulator's record of the sessions this token opened, oldest first."""
        context = ssl.create_default_context()  # SSL_CERT_FILE: the emulator's CA
        with urllib.request.urlopen(f"{self.base}/emulator/sessions", context=context, timeout=STEP_S) as answer:
            return sessions_of_token(json.loads(answer.read()), token)


async def turn(session, text):
    """One text turn: the concatenated model text, once turnComplete arrives."""
    await session.send_client_content(
        turns=types.Content(role="user", parts=[types.Part(text=text)]), turn_complete=True
    )
    answer = ""
    async with asyncio.timeout(STEP_S):
        async for message in session.receive():
            content = message.server_content
            if content and content.model_turn:
                answer += "".join(part.text or "" for part in content.model_turn.parts or [])
            if content and content.turn_complete:
                return answer
    raise AssertionError("the turn ended without turnComplete")


async def full_session(live, token):
    async with asyncio.timeout(STEP_S):
        async with live.connect(token) as session:
            return await turn(session, CASES["greeting"])


async def refusal(live, token):
    """How the SDK surfaces a refused connection, as (code, reason).

    connect() sends the setup, then reads the answer. A close read there becomes an
    APIError (`code`, and `str()` is "CODE None. REASON"). A close that arrives before
    the setup is sent makes the send fail instead, and websockets' ConnectionClosed
    escapes connect() as it is: which one a client sees depends on that race.
    """
    try:
        async with asyncio.timeout(STEP_S):
            async with live.connect(token):
                pass
    except errors.APIError as e:
        prefix = f"{e.code} None. "
        if not str(e).startswith(prefix):
            raise AssertionError(f"an APIError of an unexpected form: {e}") from e
        return (e.code, str(e)[len(prefix):])
    except websockets.ConnectionClosed as e:
        if e.rcvd is None:
            raise AssertionError(f"closed without a close frame: {e}") from e
        return (e.rcvd.code, e.rcvd.reason)
    raise AssertionError("the session opened: setupComplete arrived")


def expect_equal(got, want):
    if got != want:
        raise AssertionError(f"got {got!r}, want {want!r}")


async def lock_case(live, lock):
    token = live.mint(lock=lock)
    expected = CASES["expected"][lock]
    expect_equal(await full_session(live, token), echo(CASES["greeting"], expected))
    sessions = live.sessions_of(token)
    expect_equal(len(sessions), 1)
    expect_equal(sessions[0]["credential"], "authorizationHeader")
    # The client did ask for its own values...
    expect_equal(summary(sessions[0]["clientSetup"]), CASES["clientSetup"])
    # ...and the session ran with the token's where locked, the client's where free.
    expect_equal(summary(sessions[0]["effectiveSetup"]), expected)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    live = Live(args.base, args.key)
    state = {}

    async def connect_turn_close():
        state["one_use"] = live.mint()
        expect_equal(await full_session(live, state["one_use"]), echo(CASES["greeting"], CASES["expected"]["all"]))
        [session] = live.sessions_of(state["one_use"])
        expect_equal(
            ended(session),
            {
                "method": "BidiGenerateContentConstrained",
                "apiVersion": "v1alpha",
                "credential": "authorizationHeader",
                "setupComplete": True,
                "turns": 1,
                "closedBy": "client",
                "closeCode": 1000,
            },
        )

    async def second_connection_refused():
        expect_equal(
            await refusal(live, state["one_use"]),
            (1011, "Token has been used too many times"),
        )

    async def expired_token():
        # No clock to move from outside the emulator: deadlines 2 s ahead, then a wait.
        state["expired"] = live.mint(expire_in=2, new_session_in=2)
        state["late"] = live.mint(new_session_in=2)
        await asyncio.sleep(2.5)
        expect_equal(await refusal(live, state["expired"]), (1011, "Token has expired"))

    async def new_session_deadline():
        expect_equal(
            await refusal(live, state["late"]),
            (1011, "new_session_expire_time deadline exceeded"),
        )

    async def expires_during_session():
        token = live.mint(expire_in=2, new_session_in=2)
        async with asyncio.timeout(STEP_S):
            async with live.connect(token) as session:
                expect_equal(await turn(session, CASES["greeting"]), echo(CASES["greeting"], CASES["expected"]["all"]))
                try:
                    async for _ in session.receive():
                        pass
                except errors.APIError as e:
                    expect_equal((type(e).__name__, e.code, str(e)), ("APIError", 1011, "1011 None. auth token has expired"))
                    return
        raise AssertionError("the session ended without an error")

    cases = [
        ("connect_turn_close", connect_turn_close),
        ("second_connection_refused", second_connection_refused),
        ("lock_all", lambda: lock_case(live, "all")),
        ("lock_set_fields", lambda: lock_case(live, "set")),
        ("lock_extra", lambda: lock_case(live, "extra")),
        ("expired_token", expired_token),
        ("new_session_deadline", new_session_deadline),
        ("expires_during_session", expires_during_session),
    ]
    for name, body in cases:
        try:
            await body()
            print(f"pass python {name}", flush=True)
        except Exception as e:  # a case's failure is reported, and the next case runs
            why = " ".join(f"{type(e).__name__}: {e}".split())
            print(f"FAIL python {name}: {why}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
