// Joining a seat: the code (from the link's #join=CODE or typed) and a name;
// from a #press=CODE link, a press desk instead.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Seat } from "../api";
import { failure, join, joinPress } from "../api";
import { t } from "../i18n";

export function Join(props: {
  code: string;
  press: boolean;
  message: string;
  onJoined: (s: Seat) => void;
  resumable: Seat | null;
  onResume: () => void;
  onFacilitate: (session: string, token: string) => void;
  onSpectate: (code: string) => void;
}) {
  const [session, setSession] = useState("");
  const [token, setToken] = useState("");
  const [watch, setWatch] = useState("");
  const [code, setCode] = useState(props.code);
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    (props.code ? nameRef : codeRef).current?.focus();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!code.trim() || !name.trim()) {
      setError(t("join.missing"));
      return;
    }
    setBusy(true);
    setError("");
    try {
      props.onJoined(await (props.press ? joinPress : join)(code.trim(), name.trim()));
    } catch (err) {
      setError(t("join.failed", { message: failure(err).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="join" id="main">
      <h1>{t("app.title")}</h1>
      <p>{t("join.intro")}</p>
      {props.message && (
        <p class="error" role="alert" data-testid="resume-error">
          {props.message}
        </p>
      )}
      {props.resumable && (
        <p>
          <button type="button" class="btn plain" onClick={props.onResume} data-testid="resume-button">
            {t("join.resume", { seat: props.resumable.seatName || t("app.facilitator") })}
          </button>
        </p>
      )}
      <form onSubmit={submit} class="card" aria-labelledby="join-h">
        <h2 id="join-h">{props.press ? t("join.pressTitle") : t("join.title")}</h2>
        {props.press && <p data-testid="join-press">{t("join.pressIntro")}</p>}
        <div class="field">
          <label for="join-code">{t("join.code")}</label>
          <input
            id="join-code"
            ref={codeRef}
            value={code}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="join-name">{t("join.name")}</label>
          <input
            id="join-name"
            ref={nameRef}
            value={name}
            maxLength={40}
            autocomplete="nickname"
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" class="btn primary" data-testid="join-button" aria-disabled={busy ? "true" : undefined}>
          {busy ? t("join.joining") : props.press ? t("join.pressButton") : t("join.button")}
        </button>
        {error && (
          <p class="error" role="alert" data-testid="join-error">
            {error}
          </p>
        )}
      </form>
      <details class="card">
        <summary>{t("join.spectate")}</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (watch.trim()) props.onSpectate(watch.trim());
          }}
        >
          <div class="field">
            <label for="watch-code">{t("join.code")}</label>
            <input id="watch-code" value={watch} autocomplete="off" onInput={(e) => setWatch((e.target as HTMLInputElement).value)} />
          </div>
          <button type="submit" class="btn plain">
            {t("join.spectateButton")}
          </button>
        </form>
      </details>
      <details class="card">
        <summary>{t("join.facilitate")}</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (session.trim() && token.trim()) props.onFacilitate(session.trim(), token.trim());
          }}
        >
          <div class="field">
            <label for="fac-session">{t("join.session")}</label>
            <input id="fac-session" value={session} autocomplete="off" onInput={(e) => setSession((e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="fac-token">{t("join.token")}</label>
            <input id="fac-token" type="password" value={token} autocomplete="off" onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
          </div>
          <button type="submit" class="btn plain">
            {t("join.facilitateButton")}
          </button>
        </form>
      </details>
    </main>
  );
}
