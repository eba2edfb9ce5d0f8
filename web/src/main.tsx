// Migration Forum in the browser: a seat over gRPC-Web, served by forumd.
import "./app.css";
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { Phase } from "@gen/game_pb";
import type { ActionKind, Seat } from "./api";
import { SeatSession, clearSeat, failure, loadSeat, saveSeat } from "./api";
import type { Lang } from "./i18n";
import { LANGS, initialLang, lang, setLang, t } from "./i18n";
import { PlayContext, useId } from "./ui";
import type { Play } from "./ui";
import { clock, phaseWord } from "./words";
import { Brief } from "./scenes/brief";
import { Deals } from "./scenes/deals";
import { Join } from "./scenes/join";
import { Facilitate } from "./scenes/facilitate";
import { Lobby } from "./scenes/lobby";
import { PressDesk } from "./scenes/press";
import { Projector } from "./scenes/projector";
import { Results } from "./scenes/results";
import { Table } from "./scenes/table";
import { Talk } from "./scenes/talk";

// A parameter of the link's fragment: "#join=KQ7-M3P", "#spectate=CODE",
// "#press=CODE", "#facilitate=TOKEN&session=ID" (a fragment never reaches
// the server).
function inLink(name: string): string {
  const m = new RegExp(`(?:^#|&)${name}=([^&]*)`).exec(location.hash);
  return m ? decodeURIComponent(m[1]) : "";
}

const norm = (c: string) => c.toUpperCase().replace(/[\s-]/g, "");

type Tab = "table" | "brief" | "talk" | "deals" | "results" | "control";
const TABS: Record<string, Tab[]> = {
  seat: ["table", "brief", "talk", "deals", "results"],
  facilitator: ["control", "table", "talk", "results"],
  spectator: [],
  press: [],
};

function LangSwitch(props: { onChange: (l: Lang) => void }) {
  const id = useId("lang");
  return (
    <span class="lang">
      <label for={id}>{t("app.language")}</label>
      <select id={id} value={lang()} data-testid="lang" onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {t("lang." + l)}
          </option>
        ))}
      </select>
    </span>
  );
}

function Clock(props: { left: number; at: number; paused: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (props.paused) return <span class="clock">{t("clock.paused")}</span>;
  if (props.left <= 0) return null;
  const left = props.left - (now - props.at) / 1000;
  return (
    <span class="clock" role="timer" aria-label={t("clock.label")}>
      {clock(left)}
    </span>
  );
}

// The join code to show (the projector has it; the facilitator asks for it).
function useJoinCodeOf(s: SeatSession): string {
  const [code, setCode] = useState(s.seat.role === "spectator" ? s.seat.code : "");
  useEffect(() => {
    if (s.seat.role === "facilitator") s.joinCode().then(setCode, () => setCode(""));
  }, [s]);
  return code;
}

function SeatScreen(props: { session: SeatSession; onLeave: () => void; onLang: (l: Lang) => void }) {
  const s = props.session;
  const [, setTick] = useState(0);
  const role = s.seat.role ?? "seat";
  const [tab, setTab] = useState<Tab>(role === "facilitator" ? "control" : role === "seat" ? "brief" : "table");
  const code = useJoinCodeOf(s);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  // Counts the answers to actions (tests wait for it to move).
  const [answers, setAnswers] = useState(0);
  useEffect(() => s.subscribe(() => setTick((n) => n + 1)), [s]);
  const st = s.state;
  const v = st.view;
  // A new phase: the table shows it, and the screen reader hears it.
  const phaseKey = v ? `${v.cycle}:${v.phaseSerial}` : "";
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    if (!v) return;
    setAnnounce(t("phase.announce", { phase: phaseWord(v.phase), cycle: v.cycle, cycles: v.cycles }));
    setError("");
  }, [phaseKey]);
  const play: Play | null = useMemo(
    () =>
      v
        ? {
            v,
            s,
            act: async (kind: ActionKind, what: string) => {
              setError("");
              setStatus("");
              try {
                await s.act(kind);
                setStatus(t("act.done", { what }));
                return true;
              } catch (e) {
                setError(t("act.refused", { what, message: failure(e).message }));
                return false;
              } finally {
                setAnswers((n) => n + 1);
              }
            },
          }
        : null,
    [v, s],
  );
  if (!v || !play) {
    return (
      <main id="main" class="loading">
        <p role="status">{st.conn === "reconnecting" ? t("conn.reconnecting") : t("conn.connecting")}</p>
      </main>
    );
  }
  const me = v.seats[v.viewer];
  const lobby = v.paused && v.cycle === 1 && v.phase === Phase.CIVIL_SOCIETY && !v.seats.some((x) => x.ready);
  return (
    <PlayContext.Provider value={play}>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <header class="top">
        <div class="title">
          <h1>{v.title || t("app.title")}</h1>
          <p class="seat" data-testid="my-seat">
            {role === "facilitator"
              ? t("app.facilitator")
              : role === "spectator"
                ? t("app.projector")
                : role === "press"
                  ? t("app.press", { desk: s.seat.seatName, name: s.seat.name })
                  : t("app.seat", { seat: me?.name ?? "", name: s.seat.name })}
          </p>
          {v.carried && (
            <p class="carried" data-testid="carried">
              {t("app.carried", { what: v.carried })}
            </p>
          )}
        </div>
        <p class="phase" data-testid="phase">
          {v.phase === Phase.GAME_OVER
            ? phaseWord(v.phase)
            : t("app.phase", { phase: phaseWord(v.phase), cycle: v.cycle, cycles: v.cycles })}{" "}
          <Clock left={st.secondsLeft} at={st.secondsAt} paused={v.paused} />
        </p>
        <div class="tools">
          <span class={`conn conn-${st.conn}`} role="status" data-testid="conn">
            {t("conn." + st.conn)}
          </span>
          <LangSwitch onChange={props.onLang} />
          <button type="button" class="btn plain" onClick={props.onLeave} data-testid="leave">
            {t("app.leave")}
          </button>
        </div>
      </header>
      {TABS[role].length > 0 && (
      <nav class="tabs" aria-label={t("app.sections")}>
        {TABS[role].map((x) => (
          <button
            key={x}
            type="button"
            class="tab"
            aria-current={tab === x ? "page" : undefined}
            data-testid={`tab-${x}`}
            onClick={() => setTab(x)}
          >
            {t("tab." + x)}
            {x === "talk" && st.chat.length > 0 ? ` (${st.chat.length})` : ""}
          </button>
        ))}
      </nav>
      )}
      <div class="live" aria-live="polite" data-testid="announce">
        {announce}
      </div>
      {v.paused && !lobby && (
        <p class="banner" role="status">
          {t("app.paused")}
        </p>
      )}
      {st.handover && (
        <p class="banner" role="status" data-testid="handover">
          {st.handover.text}
        </p>
      )}
      {st.notice && st.notice.text && st.notice !== st.handover && (
        <p class="banner notice" data-testid="notice">
          {st.notice.text}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {tab === "control" ? (
          <Facilitate code={code} />
        ) : role === "press" ? (
          <>
            <PressDesk />
            <Projector code="" />
          </>
        ) : tab === "table" && role !== "seat" ? (
          <Projector code={code} />
        ) : lobby && tab === "table" ? (
          <Lobby />
        ) : tab === "table" ? (
          <Table />
        ) : tab === "brief" ? (
          <Brief />
        ) : tab === "talk" ? (
          <Talk />
        ) : tab === "deals" ? (
          <Deals />
        ) : (
          <Results />
        )}
        {tab === "brief" && (
          <p>
            <button type="button" class="btn primary" data-testid="to-table" onClick={() => setTab("table")}>
              {t("brief.toTable")}
            </button>
          </p>
        )}
      </main>
      <footer class="status" data-testid="answers" data-answers={answers}>
        <p role="status" data-testid="status">
          {status}
        </p>
        {error && (
          <p role="alert" class="error" data-testid="error">
            {error}
          </p>
        )}
      </footer>
    </PlayContext.Provider>
  );
}

function App() {
  const [, setLangNow] = useState<Lang>(lang());
  const [session, setSession] = useState<SeatSession | null>(null);
  const [message, setMessage] = useState("");
  const [, setTick] = useState(0);
  const press = inLink("press");
  const link = inLink("join") || press;
  const stored = useMemo(() => loadSeat(), [session]);

  const start = (seat: Seat) => {
    // A projector keeps nothing: its link says what it watches.
    if (seat.role !== "spectator") saveSeat(seat);
    const s = new SeatSession(seat);
    s.subscribe(() => setTick((n) => n + 1));
    s.start();
    setMessage("");
    setSession(s);
  };
  useEffect(() => {
    const spectate = inLink("spectate");
    const facilitate = inLink("facilitate");
    if (spectate) return start({ role: "spectator", session: "", token: "", seat: -2, seatName: "", name: "", code: spectate });
    if (facilitate) {
      const session = inLink("session");
      // The token leaves the address bar (and the history) at once.
      history.replaceState(null, "", location.pathname);
      return start({ role: "facilitator", session, token: facilitate, seat: -1, seatName: "", name: "", code: "" });
    }
    const seat = loadSeat();
    // A press link resumes a press desk only; a join link, a seat only.
    const fits = !link || (norm(link) === norm(seat?.code ?? "") && (seat?.role === "press") === !!press);
    if (seat && fits) start(seat);
  }, []);
  // A seat the server no longer knows: back to joining, with its words.
  useEffect(() => {
    if (session?.state.fatal) {
      const why = session.state.fatal;
      session.close();
      clearSeat();
      setSession(null);
      setMessage(t("resume.failed", { message: why }));
    }
  });
  const onLang = (l: Lang) => {
    setLang(l, true);
    setLangNow(l);
  };
  if (session)
    return (
      <SeatScreen
        session={session}
        onLang={onLang}
        onLeave={() => {
          session.close();
          clearSeat();
          setSession(null);
        }}
      />
    );
  return (
    <>
      <div class="join-tools">
        <LangSwitch onChange={onLang} />
      </div>
      <Join
        code={link}
        press={!!press}
        message={message}
        onJoined={start}
        resumable={stored}
        onResume={() => stored && start(stored)}
        onFacilitate={(session, token) => start({ role: "facilitator", session, token, seat: -1, seatName: "", name: "", code: "" })}
        onSpectate={(code) => start({ role: "spectator", session: "", token: "", seat: -2, seatName: "", name: "", code })}
      />
    </>
  );
}

setLang(initialLang(), false);
const root = document.getElementById("app")!;
root.textContent = "";
render(<App />, root);
