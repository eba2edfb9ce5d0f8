// The roundtable: what the current phase asks of the seat, driven by the
// View and its verdicts.
import { useState } from "preact/hooks";
import { CommitmentKind, Form, Phase, VoteChoice } from "@gen/game_pb";
import type { Text, View } from "@gen/game_pb";
import { t } from "../i18n";
import { ActButton, Axis, Empty, PositionInput, Section, useId, usePlay } from "../ui";
import type { Mark } from "../ui";
import { Kind, names, verdict } from "../verdicts";
import { commitmentWord, formWord, phaseWord, positionWords, seatName, themeName, themeOf, voteWord } from "../words";
import { PressReports } from "./press";
import { Outcome, Ranking } from "./results";

export function Table() {
  const { v } = usePlay();
  return (
    <div class="scene" data-testid="scene-table" data-phase={Phase[v.phase]}>
      {v.phase === Phase.CIVIL_SOCIETY && v.cycle > 1 && <Outcome cycle={v.cycle - 1} />}
      {v.phase === Phase.CIVIL_SOCIETY && <CivilSociety />}
      {v.phase === Phase.STATEMENTS && <Statements />}
      {v.phase === Phase.DRAFTING && <Drafting />}
      {v.phase === Phase.DECISION && <Decision />}
      {v.phase === Phase.RATIFICATION && <Ratification />}
      {v.phase === Phase.IMPLEMENTATION && <Implementation />}
      {v.phase === Phase.GAME_OVER && <Ranking />}
      {v.phase !== Phase.GAME_OVER && <Ready />}
      <PressReports v={v} />
    </div>
  );
}

function Ready() {
  const { v } = usePlay();
  const me = v.seats[v.viewer];
  const waiting = v.seats.filter((s) => !s.ready).map((s) => s.name);
  return (
    <Section title={t("ready.title")} testid="ready">
      <p>{me?.ready ? t("ready.done") : t("ready.explain", { phase: phaseWord(v.phase) })}</p>
      <ActButton
        kind={Kind.ready}
        label={t("ready.button")}
        variant="primary"
        testid="ready-button"
        action={() => ({ case: "ready", value: {} })}
      />
      <p class="muted" data-testid="waiting">
        {waiting.length ? t("ready.waiting", { seats: waiting.join(", ") }) : t("ready.nobody")}
      </p>
    </Section>
  );
}

function CivilSociety() {
  const { v } = usePlay();
  const [theme, setTheme] = useState(v.agenda[0] ?? "");
  const sel = useId("prio");
  const prio = verdict(v, Kind.prioritise);
  return (
    <>
      <Section title={t("cs.title")} testid="civil-society">
        <p>{t("cs.explain")}</p>
        {v.recommendations.length === 0 && <Empty text={t("cs.none")} />}
        <ul class="list">
          {v.recommendations.map((r) => (
            <li key={r.id} class="item">
              <strong>{themeName(v, r.theme)}</strong>: {r.text}{" "}
              <span class="muted">
                {t("cs.position", { pos: positionWords(themeOf(v, r.theme), r.position) })} ·{" "}
                {t("cs.endorsed", { n: r.endorsedBy.length })}
              </span>
              <div>
                <ActButton
                  kind={Kind.endorse}
                  target={r.id}
                  label={t("cs.endorse")}
                  testid={`endorse-${r.id}`}
                  action={() => ({ case: "endorse", value: { recommendation: r.id } })}
                />
              </div>
            </li>
          ))}
        </ul>
      </Section>
      {(prio.ok || v.seats[v.viewer]?.host) && v.agenda.length > 1 && (
        <Section title={t("cs.prioritise")}>
          <div class="field">
            <label for={sel}>{t("cs.firstItem")}</label>
            <select id={sel} value={theme} onChange={(e) => setTheme((e.target as HTMLSelectElement).value)}>
              {v.agenda.map((a) => (
                <option key={a} value={a}>
                  {themeName(v, a)}
                </option>
              ))}
            </select>
          </div>
          <ActButton
            kind={Kind.prioritise}
            label={t("cs.prioritiseButton")}
            action={() => ({ case: "prioritise", value: { theme } })}
          />
        </Section>
      )}
    </>
  );
}

function statementMarks(v: View): Mark[] {
  const th = themeOf(v, v.currentTheme);
  const marks: Mark[] = [];
  if (th) marks.push({ pos: th.statusQuo, label: t("axis.statusQuo"), kind: "quo" });
  const mine = v.brief?.stances.find((s) => s.theme === v.currentTheme);
  if (mine) marks.push({ pos: mine.ideal, label: t("axis.ideal"), kind: "ideal" });
  return marks;
}

function ItemHeading() {
  const { v } = usePlay();
  return (
    <p class="item-heading">
      {t("item.current", {
        n: v.agendaIndex + 1,
        of: v.agenda.length,
        theme: themeName(v, v.currentTheme),
      })}
    </p>
  );
}

function Statements() {
  const { v } = usePlay();
  const me = v.seats[v.viewer];
  const mine = v.brief?.stances.find((s) => s.theme === v.currentTheme);
  const [pos, setPos] = useState(me && me.statementPosition >= 0 ? me.statementPosition : (mine?.ideal ?? 50));
  const [text, setText] = useState("");
  const textId = useId("stmt");
  const th = themeOf(v, v.currentTheme);
  const stated = v.seats.filter((s) => s.statementPosition >= 0);
  const marks = statementMarks(v).concat(
    stated.map((s) => ({ pos: s.statementPosition, label: s.name, kind: s.index === v.viewer ? "mine" : "stmt" }) as Mark),
  );
  return (
    <>
      <Section title={t("stmt.title")} testid="statements">
        <ItemHeading />
        <p>{th?.description}</p>
        <Axis theme={th} marks={marks} caption={t("axis.caption", { theme: themeName(v, v.currentTheme) })} />
      </Section>
      <Section title={t("stmt.yours")}>
        <PositionInput label={t("stmt.position")} value={pos} onInput={setPos} testid="statement-position" />
        <div class="field">
          <label for={textId}>{t("stmt.text")}</label>
          <textarea
            id={textId}
            maxLength={280}
            rows={2}
            value={text}
            data-testid="statement-text"
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        <ActButton
          kind={Kind.statement}
          label={t("stmt.button")}
          variant="primary"
          testid="statement-button"
          action={() => ({ case: "statement", value: { position: pos, text } })}
        />
      </Section>
    </>
  );
}

function draftMarks(v: View): Mark[] {
  const marks = statementMarks(v);
  if (v.draft && v.draft.id !== 0) marks.push({ pos: v.draft.position, label: t("axis.draft"), kind: "draft" });
  for (const a of v.amendments)
    if (a.status === "pending" && a.position >= 0)
      marks.push({ pos: a.position, label: t("axis.amendment", { id: a.id }), kind: "amend" });
  return marks;
}

function TextSummary(props: { text: Text }) {
  const { v } = usePlay();
  const d = props.text;
  return (
    <dl class="facts" data-testid="draft-summary">
      <dt>{t("draft.position")}</dt>
      <dd>{positionWords(themeOf(v, d.theme), d.position)}</dd>
      <dt>{t("draft.form")}</dt>
      <dd>{formWord(d.form)}</dd>
      <dt>{t("draft.commitments")}</dt>
      <dd>{d.commitments.length ? d.commitments.map(commitmentWord).join(", ") : t("draft.noCommitments")}</dd>
    </dl>
  );
}

// The forms this forum adopts, the others greyed with the scenario's reason.
function FormSelect(props: { value: Form; onChange: (f: Form) => void; allowUnchanged?: boolean; testid?: string }) {
  const { v } = usePlay();
  const id = useId("form");
  const why = useId("formwhy");
  const allowed = v.allowedForms.length ? v.allowedForms : [Form.CHAIRS_SUMMARY, Form.GUIDING_PRINCIPLES, Form.BINDING_CONVENTION];
  const all = [Form.CHAIRS_SUMMARY, Form.GUIDING_PRINCIPLES, Form.BINDING_CONVENTION];
  const some = all.some((f) => !allowed.includes(f));
  return (
    <div class="field">
      <label for={id}>{t("draft.form")}</label>
      <select
        id={id}
        value={String(props.value)}
        data-testid={props.testid}
        aria-describedby={some ? why : undefined}
        onChange={(e) => props.onChange(Number((e.target as HTMLSelectElement).value) as Form)}
      >
        {props.allowUnchanged && <option value={String(Form.FORM_UNSPECIFIED)}>{t("amend.unchanged")}</option>}
        {all.map((f) => (
          <option key={f} value={String(f)} disabled={!allowed.includes(f)}>
            {formWord(f)}
          </option>
        ))}
      </select>
      {some && (
        <p id={why} class="muted small">
          {t("draft.formsReason", { reason: v.formsReason || t("draft.formsDefault") })}
        </p>
      )}
    </div>
  );
}

function Drafting() {
  const { v } = usePlay();
  const th = themeOf(v, v.currentTheme);
  const tabled = v.draft && v.draft.id !== 0;
  return (
    <>
      <Section title={t("draft.title")} testid="drafting">
        <ItemHeading />
        <Axis theme={th} marks={draftMarks(v)} caption={t("axis.caption", { theme: themeName(v, v.currentTheme) })} />
        {tabled ? (
          <>
            <p class="lead">{v.draft!.label}</p>
            <TextSummary text={v.draft!} />
          </>
        ) : (
          <Empty text={t("draft.none")} />
        )}
      </Section>
      <TableDraft />
      {tabled && <AmendForm />}
      <Amendments />
      <RegionalDrafts />
    </>
  );
}

const KINDS = [
  CommitmentKind.LABOUR_VISAS,
  CommitmentKind.READMISSION,
  CommitmentKind.REMITTANCE_COST_CUT,
  CommitmentKind.ANTI_SMUGGLING,
  CommitmentKind.RIGHTS_PROTECTION,
  CommitmentKind.CLIMATE_DISPLACEMENT,
];

// The commitments a text carries, with the corridor for action against
// smuggling (when the text has none yet).
function CommitmentFields(props: {
  value: CommitmentKind[];
  onChange: (c: CommitmentKind[]) => void;
  corridor: string;
  onCorridor: (c: string) => void;
  needCorridor?: boolean;
}) {
  const { v } = usePlay();
  const corrId = useId("corr");
  const c = props.value;
  return (
    <>
      <fieldset>
        <legend>{t("draft.commitments")}</legend>
        {KINDS.map((k) => (
          <label key={k} class="check">
            <input
              type="checkbox"
              checked={c.includes(k)}
              onChange={(e) => props.onChange((e.target as HTMLInputElement).checked ? [...c, k] : c.filter((x) => x !== k))}
            />{" "}
            {commitmentWord(k)}
          </label>
        ))}
      </fieldset>
      {c.includes(CommitmentKind.ANTI_SMUGGLING) && (props.needCorridor ?? true) && v.corridors.length > 0 && (
        <div class="field">
          <label for={corrId}>{t("draft.corridor")}</label>
          <select id={corrId} value={props.corridor} onChange={(e) => props.onCorridor((e.target as HTMLSelectElement).value)}>
            {v.corridors.map((x) => (
              <option key={x.id} value={x.id}>
                {seatName(v, x.origin)} → {seatName(v, x.destination)}
              </option>
            ))}
          </select>
        </div>
      )}
    </>
  );
}

function TableDraft() {
  const { v } = usePlay();
  const mine = v.brief?.stances.find((s) => s.theme === v.currentTheme);
  const [pos, setPos] = useState(v.draft?.id ? v.draft.position : (mine?.ideal ?? 50));
  const [form, setForm] = useState<Form>(v.draft?.id ? v.draft.form : (v.allowedForms[0] ?? Form.CHAIRS_SUMMARY));
  const [commit, setCommit] = useState<CommitmentKind[]>(() => {
    const nat = themeOf(v, v.currentTheme)?.naturalCommitment;
    return nat ? [nat] : [];
  });
  const [corridor, setCorridor] = useState(v.corridors[0]?.id ?? "");
  const vd = verdict(v, Kind.tableDraft);
  if (!vd.ok)
    return (
      <Section title={t("draft.table")} testid="table-draft">
        <ActButton kind={Kind.tableDraft} label={t("draft.tableButton")} testid="table-draft-button" action={() => null} />
      </Section>
    );
  return (
    <Section title={t("draft.table")} testid="table-draft">
      <PositionInput label={t("draft.position")} value={pos} onInput={setPos} testid="table-position" />
      <FormSelect value={form} onChange={setForm} />
      <CommitmentFields value={commit} onChange={setCommit} corridor={corridor} onCorridor={setCorridor} />
      <ActButton
        kind={Kind.tableDraft}
        label={t("draft.tableButton")}
        variant="primary"
        testid="table-draft-button"
        action={() => ({
          case: "tableDraft",
          value: {
            position: pos,
            form,
            commitments: commit,
            corridor: commit.includes(CommitmentKind.ANTI_SMUGGLING) ? corridor : "",
          },
        })}
      />
      {v.draft?.id ? (
        <ActButton
          kind={Kind.withdrawDraft}
          label={t("draft.withdraw")}
          variant="danger"
          action={() => ({ case: "withdrawDraft", value: {} })}
        />
      ) : null}
    </Section>
  );
}

function AmendForm() {
  const { v } = usePlay();
  const mine = v.brief?.stances.find((s) => s.theme === v.currentTheme);
  const [pos, setPos] = useState(mine?.ideal ?? v.draft?.position ?? 50);
  const [keep, setKeep] = useState(false);
  const [form, setForm] = useState<Form>(Form.FORM_UNSPECIFIED);
  const has = v.draft?.commitments ?? [];
  const [commit, setCommit] = useState<CommitmentKind[]>(has);
  const [corridor, setCorridor] = useState(v.corridors[0]?.id ?? "");
  const keepId = useId("keep");
  const add = commit.filter((k) => !has.includes(k));
  const remove = has.filter((k) => !commit.includes(k));
  const withCorridor = add.includes(CommitmentKind.ANTI_SMUGGLING) && !v.draft?.corridor;
  return (
    <Section title={t("amend.title")} testid="amend">
      <p>{t("amend.explain")}</p>
      <div class="field check">
        <input id={keepId} type="checkbox" checked={keep} onChange={(e) => setKeep((e.target as HTMLInputElement).checked)} />
        <label for={keepId}>{t("amend.keepPosition")}</label>
      </div>
      {!keep && <PositionInput label={t("amend.position")} value={pos} onInput={setPos} testid="amend-position" />}
      <FormSelect value={form} onChange={setForm} allowUnchanged testid="amend-form" />
      <CommitmentFields value={commit} onChange={setCommit} corridor={corridor} onCorridor={setCorridor} needCorridor={withCorridor} />
      <ActButton
        kind={Kind.amend}
        label={t("amend.button")}
        variant="primary"
        testid="amend-button"
        action={() => ({
          case: "amend",
          value: { position: keep ? -1 : pos, form, add, remove, corridor: withCorridor ? corridor : "" },
        })}
      />
    </Section>
  );
}

function Amendments() {
  const { v } = usePlay();
  if (v.amendments.length === 0) return null;
  return (
    <Section title={t("amend.list")} testid="amendments">
      <ul class="list">
        {v.amendments.map((a) => {
          const changes: string[] = [];
          if (a.position >= 0) changes.push(t("amend.toPosition", { pos: positionWords(themeOf(v, v.currentTheme), a.position) }));
          if (a.form) changes.push(t("amend.toForm", { form: formWord(a.form) }));
          if (a.add.length) changes.push(t("amend.add", { what: a.add.map(commitmentWord).join(", ") }));
          if (a.remove.length) changes.push(t("amend.remove", { what: a.remove.map(commitmentWord).join(", ") }));
          return (
            <li key={a.id} class="item" data-testid={`amendment-${a.id}`}>
              <strong>{t("amend.by", { id: a.id, seat: seatName(v, a.proposer) })}</strong>: {changes.join("; ") || "—"}{" "}
              <span class={`status status-${a.status}`}>{t("amendStatus." + a.status)}</span>
              {a.status === "pending" && (
                <div class="buttons">
                  {names(v, Kind.acceptAmendment, a.id) && (
                    <ActButton
                      kind={Kind.acceptAmendment}
                      target={a.id}
                      label={t("amend.accept")}
                      action={() => ({ case: "acceptAmendment", value: { amendment: a.id } })}
                    />
                  )}
                  {names(v, Kind.rejectAmendment, a.id) && (
                    <ActButton
                      kind={Kind.rejectAmendment}
                      target={a.id}
                      label={t("amend.reject")}
                      action={() => ({ case: "rejectAmendment", value: { amendment: a.id } })}
                    />
                  )}
                  {a.proposer === v.viewer && (
                    <ActButton
                      kind={Kind.withdrawAmendment}
                      target={a.id}
                      label={t("amend.withdraw")}
                      action={() => ({ case: "withdrawAmendment", value: { amendment: a.id } })}
                    />
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function Decision() {
  const { v } = usePlay();
  const th = themeOf(v, v.currentTheme);
  const choices = [VoteChoice.SUPPORT, VoteChoice.STAND_ASIDE, VoteChoice.OBJECT];
  const counts = new Map<VoteChoice, string[]>();
  for (const s of v.seats) counts.set(s.vote, [...(counts.get(s.vote) ?? []), s.name]);
  const me = v.seats[v.viewer];
  return (
    <>
      <Section title={t("vote.title")} testid="decision">
        <ItemHeading />
        {v.draft && v.draft.id !== 0 ? (
          <>
            <p class="lead">{v.draft.label}</p>
            <Axis theme={th} marks={draftMarks(v)} />
            <TextSummary text={v.draft} />
          </>
        ) : (
          <Empty text={t("draft.none")} />
        )}
        <p>{t("vote.rule." + (v.decisionRule || 0))}</p>
      </Section>
      <Section title={t("vote.yours")}>
        <p data-testid="my-vote">
          {me && me.vote ? t("vote.current", { choice: voteWord(v.decisionRule, me.vote) }) : t("vote.notYet")}
        </p>
        <div class="buttons" role="group" aria-label={t("vote.yours")}>
          {choices.map((c) => (
            <ActButton
              key={c}
              kind={Kind.vote}
              target={c}
              label={voteWord(v.decisionRule, c)}
              variant={c === VoteChoice.SUPPORT ? "primary" : "plain"}
              testid={`vote-${VoteChoice[c]}`}
              action={() => ({ case: "vote", value: { choice: c } })}
            />
          ))}
        </div>
      </Section>
      <RegionalDrafts />
      <WalkOut />
      <Section title={t("vote.tally")} testid="tally">
        <table class="tally">
          <thead>
            <tr>
              <th scope="col">{t("vote.choice")}</th>
              <th scope="col">{t("vote.count")}</th>
              <th scope="col">{t("vote.who")}</th>
            </tr>
          </thead>
          <tbody>
            {[...choices, VoteChoice.VOTE_UNSPECIFIED].map((c) => (
              <tr key={c} data-testid={`tally-${VoteChoice[c]}`}>
                <th scope="row">{c ? voteWord(v.decisionRule, c) : t("vote.none")}</th>
                <td class="num">{counts.get(c)?.length ?? 0}</td>
                <td>{(counts.get(c) ?? []).join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}

function Ratification() {
  const { v } = usePlay();
  const texts = v.texts.filter((x) => names(v, Kind.ratify, x.id) || (x.cycle === v.cycle && x.form === Form.BINDING_CONVENTION));
  return (
    <Section title={t("ratify.title")} testid="ratification">
      <p>{t("ratify.explain")}</p>
      {texts.length === 0 && <Empty text={t("ratify.none")} />}
      <ul class="list">
        {texts.map((x) => (
          <li key={x.id} class="item">
            <strong>{x.label}</strong>{" "}
            <span class="muted">{t("ratify.count", { n: x.ratifiedBy.length, of: v.seats.length })}</span>
            <div class="buttons">
              <ActButton
                kind={Kind.ratify}
                target={x.id}
                label={t("ratify.yes")}
                variant="primary"
                testid={`ratify-${x.id}`}
                action={() => ({ case: "ratify", value: { text: x.id, ratify: true } })}
              />
              <ActButton
                kind={Kind.ratify}
                target={x.id}
                label={t("ratify.no")}
                testid={`decline-${x.id}`}
                action={() => ({ case: "ratify", value: { text: x.id, ratify: false } })}
              />
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function PledgeRow(props: { text: Text }) {
  const { v } = usePlay();
  const x = props.text;
  const mine = x.pledges.find((p) => p.seat === v.viewer);
  const [level, setLevel] = useState(mine ? mine.level : 100);
  return (
    <li class="item" data-testid={`text-${x.id}`}>
      <strong>{x.label}</strong>
      <p class="muted">
        {t("impl.pledged", { n: x.pledges.length })}
        {mine ? " · " + t("impl.mine", { level: mine.level }) : ""}
      </p>
      <PositionInput label={t("impl.level")} value={level} onInput={setLevel} testid={`pledge-level-${x.id}`} />
      <ActButton
        kind={Kind.pledge}
        target={x.id}
        label={t("impl.pledge")}
        variant="primary"
        testid={`pledge-${x.id}`}
        action={() => ({ case: "pledge", value: { text: x.id, level } })}
      />
    </li>
  );
}

function Implementation() {
  const { v } = usePlay();
  const texts = v.texts.filter((x) => x.adopted);
  const [enf, setEnf] = useState(v.enforcementLevel);
  const honour = v.deals.filter((d) => names(v, Kind.honourDeal, d.id));
  return (
    <>
      <Section title={t("impl.title")} testid="implementation">
        <p>{t("impl.explain")}</p>
        {texts.length === 0 && <Empty text={t("impl.none")} />}
        <ul class="list">
          {texts.map((x) => (
            <PledgeRow key={x.id} text={x} />
          ))}
        </ul>
      </Section>
      <Section title={t("impl.enforcement")}>
        <p>{t("impl.enforcementExplain", { level: v.enforcementLevel })}</p>
        <PositionInput label={t("impl.enforcementLevel")} value={enf} onInput={setEnf} />
        <ActButton kind={Kind.enforce} label={t("impl.enforce")} action={() => ({ case: "enforce", value: { level: enf } })} />
      </Section>
      {honour.length > 0 && (
        <Section title={t("impl.deals")}>
          <ul class="list">
            {honour.map((d) => (
              <li key={d.id} class="item">
                {t("deals.with", { id: d.id, seat: seatName(v, d.from === v.viewer ? d.to : d.from) })}
                <div class="buttons">
                  <ActButton
                    kind={Kind.honourDeal}
                    target={d.id}
                    label={t("impl.keep")}
                    variant="primary"
                    action={() => ({ case: "honourDeal", value: { deal: d.id, keep: true } })}
                  />
                  <ActButton
                    kind={Kind.honourDeal}
                    target={d.id}
                    label={t("impl.break")}
                    variant="danger"
                    action={() => ({ case: "honourDeal", value: { deal: d.id, keep: false } })}
                  />
                </div>
              </li>
            ))}
          </ul>
        </Section>
      )}
    </>
  );
}

// The caucuses (regional processes) the viewer is a member of.
function myCaucuses(v: View) {
  const me = v.seats[v.viewer];
  return me ? v.caucuses.filter((c) => c.members.includes(me.id)) : [];
}

// Regional texts (kind 26): the drafts tabled on the item, public; a member
// tables its caucus's draft in Drafting and votes on it in Decision. Every
// button follows the engine's verdict on the kind.
function RegionalDrafts() {
  const { v } = usePlay();
  const mine = myCaucuses(v);
  if (mine.length === 0 && v.regionalDrafts.length === 0) return null;
  const others = v.regionalDrafts.filter((d) => !mine.some((c) => c.id === d.caucus));
  return (
    <>
      {mine.map((c) => (
        <RegionalCaucus key={c.id} caucus={c.id} name={c.name} />
      ))}
      {others.length > 0 && (
        <Section title={t("regional.others")} testid="regional-others">
          <ul class="list">
            {others.map((d) => (
              <li key={d.id} class="item">
                <strong>{v.caucuses.find((c) => c.id === d.caucus)?.name ?? d.caucus}</strong>: {d.label}
                <RegionalVotes text={d} />
              </li>
            ))}
          </ul>
        </Section>
      )}
    </>
  );
}

function RegionalVotes(props: { text: Text }) {
  const { v } = usePlay();
  const d = props.text;
  const list = (xs: number[]) => (xs.length ? xs.map((i) => seatName(v, i)).join(", ") : "—");
  return (
    <p class="muted" data-testid={`regional-votes-${d.caucus}`}>
      {t("regional.votes", { support: list(d.supportedBy), object: list(d.objectedBy) })}
    </p>
  );
}

const REGIONAL_FORMS = [Form.CHAIRS_SUMMARY, Form.GUIDING_PRINCIPLES];

function RegionalCaucus(props: { caucus: string; name: string }) {
  const { v } = usePlay();
  const me = v.seats[v.viewer];
  const draft = v.regionalDrafts.find((d) => d.caucus === props.caucus);
  const mine = v.brief?.stances.find((s) => s.theme === v.currentTheme);
  const [pos, setPos] = useState(
    draft ? draft.position : me && me.statementPosition >= 0 ? me.statementPosition : (mine?.ideal ?? 50),
  );
  const [form, setForm] = useState<Form>(draft?.form || Form.GUIDING_PRINCIPLES);
  const [commit, setCommit] = useState<CommitmentKind[]>(draft ? draft.commitments : []);
  const [corridor, setCorridor] = useState((draft?.corridor || v.corridors[0]?.id) ?? "");
  const formId = useId("rform");
  const choices = [VoteChoice.SUPPORT, VoteChoice.STAND_ASIDE, VoteChoice.OBJECT];
  const testid = `regional-${props.caucus}`;
  return (
    <Section title={t("regional.title", { caucus: props.name })} testid={testid}>
      <p>{t("regional.explain")}</p>
      {draft ? (
        <>
          <p class="lead" data-testid={`${testid}-draft`}>
            {draft.label}
          </p>
          <TextSummary text={draft} />
          <RegionalVotes text={draft} />
        </>
      ) : (
        <Empty text={t("regional.none")} />
      )}
      {v.phase === Phase.DRAFTING ? (
        <>
          <PositionInput label={t("draft.position")} value={pos} onInput={setPos} testid={`${testid}-position`} />
          <div class="field">
            <label for={formId}>{t("draft.form")}</label>
            <select id={formId} value={String(form)} onChange={(e) => setForm(Number((e.target as HTMLSelectElement).value) as Form)}>
              {REGIONAL_FORMS.map((f) => (
                <option key={f} value={String(f)}>
                  {formWord(f)}
                </option>
              ))}
            </select>
          </div>
          <CommitmentFields value={commit} onChange={setCommit} corridor={corridor} onCorridor={setCorridor} />
          <ActButton
            kind={Kind.regional}
            label={draft ? t("regional.replace") : t("regional.table")}
            variant="primary"
            testid={`${testid}-table`}
            action={() => ({
              case: "regional",
              value: {
                caucus: props.caucus,
                position: pos,
                form,
                commitments: commit,
                corridor: commit.includes(CommitmentKind.ANTI_SMUGGLING) ? corridor : "",
              },
            })}
          />
        </>
      ) : (
        <div class="buttons" role="group" aria-label={t("regional.vote", { caucus: props.name })}>
          {choices.map((c) => (
            <ActButton
              key={c}
              kind={Kind.regional}
              label={voteWord(v.decisionRule, c)}
              what={t("regional.voteWhat", { choice: voteWord(v.decisionRule, c), caucus: props.name })}
              testid={`${testid}-vote-${VoteChoice[c]}`}
              action={() => ({ case: "regional", value: { caucus: props.caucus, vote: c } })}
            />
          ))}
        </div>
      )}
    </Section>
  );
}

// Walking out of the vote (kind 28): where the forum votes, a destination
// casts no vote and is not bound by the text. The engine's verdict says
// whether the viewer may, and why not.
function WalkOut() {
  return (
    <Section title={t("walkout.title")} testid="walk-out">
      <p>{t("walkout.explain")}</p>
      <ActButton kind={Kind.walkOut} label={t("walkout.button")} variant="danger" testid="walk-out-button" action={() => ({ case: "walkOut", value: {} })} />
    </Section>
  );
}
