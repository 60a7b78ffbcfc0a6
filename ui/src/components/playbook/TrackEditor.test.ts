import { render, screen, within, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import TrackEditor from "./TrackEditor.svelte";
import { drafts } from "../../lib/playbook";
import type {
  PlaceholderWarning,
  PlaybookPreview,
  TalkTrackSections,
  TalkTrackVersion,
  TrackEditor as EditorData,
} from "../../lib/bindings";

const base: TalkTrackSections = {
  opener: "Hi {first_name}, it's {rep_name}.",
  engage_statement: "Carriers like {company} lose margin to empty miles.",
  impact_question: "What would a fifth fewer empty miles be worth?",
  appointment_request: "Let's take 20 minutes. Tuesday or Thursday?",
  voicemail_script: "Hi {first_name}. {referral} Call me back.",
  referral: "Riverbend Freight cut empty miles by a fifth.",
  agenda_line: "Great question; let's put it first on our agenda.",
};

function version(n: number, sections: TalkTrackSections, themeId: string | null = "t1"): TalkTrackVersion {
  return {
    id: `v${n}`,
    talk_track_id: "tt1",
    name: "Logistics",
    theme_id: themeId,
    version: n,
    sections,
    change_note: n === 1 ? "First version" : "",
    created_by: n === 1 ? null : "r1",
    created_at: "2026-11-20T15:00:00.000Z",
  };
}

function editorData(own: TalkTrackVersion | null, versions: TalkTrackVersion[] = own ? [own] : []): EditorData {
  return {
    theme_id: "t1",
    theme_name: "Logistics",
    themes: [{ id: "t1", name: "Logistics", own_version: own?.version ?? null }],
    own,
    default: version(1, { ...base, engage_statement: "People in your role tell us..." }, null),
    versions,
    authors: [{ id: "r1", name: "Alex Rivera" }],
    placeholders: [
      { name: "first_name", description: "the prospect's first name", fallback: "" },
      { name: "company", description: "the prospect's company", fallback: "your company" },
      { name: "city", description: "the prospect's city", fallback: "your area" },
    ],
    default_file: "/home/ana/Documents/callblock-playbook.json",
  };
}

/** A small stand-in for the core: fills {company} and {first_name}, flags other names. */
function fill(text: string): string {
  return text.replaceAll("{company}", "Acme Freight").replaceAll("{first_name}", "Dana").replace(/\{[^}]*\}/g, "");
}

function lint(s: TalkTrackSections): PlaceholderWarning[] {
  const out: PlaceholderWarning[] = [];
  for (const [section, text] of Object.entries(s)) {
    for (const m of text.matchAll(/\{([^}]*)\}/g)) {
      if (!["company", "first_name", "rep_name", "referral"].includes(m[1])) {
        out.push({ section, placeholder: m[0], message: `${m[0]} is not a known placeholder and is not shown to the rep` });
      }
    }
  }
  return out;
}

function preview(s: TalkTrackSections): PlaybookPreview {
  const sections = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fill(v)])) as TalkTrackSections;
  return {
    prospect: { prospect_id: "p1", first_name: "Dana", last_name: "Reyes", title: "COO", company: "Acme Freight", location: "Austin, TX", index: 0, of: 12 },
    rep_name: "Alex Rivera",
    playbook: { talk_track: version(2, s), rendered: { sections, missing: [], unknown: [] }, objections: [], missing: [], unknown: [], meeting_minutes: 20 },
    warnings: lint(s),
  };
}

interface Calls {
  saved: { sections: TalkTrackSections; changeNote: string }[];
  previews: (TalkTrackSections | null)[];
}

function backend(start: EditorData): Calls {
  const calls: Calls = { saved: [], previews: [] };
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "lint_talk_track":
        return lint(a.sections as TalkTrackSections);
      case "preview_playbook": {
        const s = (a.sections as TalkTrackSections | null) ?? start.own?.sections ?? start.default!.sections;
        calls.previews.push(a.sections as TalkTrackSections | null);
        return preview(s);
      }
      case "save_talk_track": {
        const s = a.sections as TalkTrackSections;
        calls.saved.push({ sections: s, changeNote: a.changeNote as string });
        const v = version((start.own?.version ?? 0) + 1, s);
        return { version: v, created: true, warnings: lint(s), editor: editorData(v, [v, ...start.versions]) };
      }
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
  return calls;
}

afterEach(() => {
  clearMocks();
  drafts.clear();
});

const previewEngage = () => screen.getByTestId("preview-talk-track").querySelector('[data-section="engage_statement"]');

describe("TrackEditor", () => {
  it("shows placeholder warnings under the section and updates the preview as the author types", async () => {
    backend(editorData(version(2, base)));
    render(TrackEditor, { data: editorData(version(2, base), [version(2, base), version(1, base)]), onsaved: () => {}, delay: 5 });

    // The preview fills the saved track for the sample prospect, named.
    expect(await screen.findByTestId("preview-prospect")).toHaveTextContent("Dana Reyes");
    await waitFor(() => expect(previewEngage()).toHaveTextContent("Carriers like Acme Freight lose margin"));
    expect(screen.queryByTestId("warnings-engage_statement")).toBeNull();

    const box = screen.getByLabelText("Engage Statement");
    await userEvent.type(box, " Fleets in {{cty} agree.");

    const warnings = await screen.findByTestId("warnings-engage_statement");
    expect(warnings).toHaveTextContent("{cty} is not a known placeholder");
    expect(box).toHaveAttribute("aria-invalid", "true");
    expect(box.getAttribute("aria-describedby")).toContain("warn-engage_statement");
    // The rep never sees the braces: the preview drops the unknown placeholder.
    await waitFor(() => expect(previewEngage()).toHaveTextContent("Fleets in agree."));
    expect(previewEngage()?.textContent).not.toContain("{");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    expect(screen.getByText(/Unsaved changes: the call card shows this once you save/)).toBeInTheDocument();
    // Other sections have no warning.
    expect(screen.queryByTestId("warnings-opener")).toBeNull();
  });

  it("saves with Ctrl+S and a change note, as a new version", async () => {
    const calls = backend(editorData(version(2, base)));
    const saved: EditorData[] = [];
    render(TrackEditor, { data: editorData(version(2, base)), onsaved: (e: EditorData) => saved.push(e), delay: 5 });
    await screen.findByTestId("preview-prospect");

    const box = screen.getByLabelText("Engage Statement");
    await userEvent.clear(box);
    await userEvent.type(box, "Shippers like {{company} want fewer empty miles.");
    await userEvent.type(screen.getByLabelText("Change note"), "Shorter");
    await userEvent.keyboard("{Control>}s{/Control}");

    expect(await screen.findByTestId("track-status")).toHaveTextContent("Saved as version 3.");
    expect(calls.saved).toHaveLength(1);
    expect(calls.saved[0].sections.engage_statement).toBe("Shippers like {company} want fewer empty miles.");
    expect(calls.saved[0].changeNote).toBe("Shorter");
    expect(saved[0].own?.version).toBe(3);
    expect(screen.getByLabelText("Change note")).toHaveValue("");
  });

  it("offers a theme without its own track to start one from the default's text", async () => {
    const calls = backend(editorData(null));
    render(TrackEditor, { data: editorData(null), onsaved: () => {}, delay: 5 });

    expect(screen.getByText(/Logistics uses the default talk track/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Engage Statement")).toBeNull();
    // The preview shows what the theme's reps see today: the default.
    await waitFor(() => expect(previewEngage()).toHaveTextContent("People in your role tell us"));
    expect(calls.previews[0]).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Write a track for this theme" }));
    expect(screen.getByLabelText("Engage Statement")).toHaveValue("People in your role tell us...");
    expect(screen.getByLabelText("Opener")).toHaveFocus();
    expect(screen.getByTestId("track-meta")).toHaveTextContent("the first save makes version 1");
    expect(within(screen.getByRole("form")).getByRole("button", { name: /Save/ })).toBeEnabled();
  });

  it("inserts a placeholder at the cursor of the section last focused", async () => {
    backend(editorData(version(2, base)));
    render(TrackEditor, { data: editorData(version(2, base)), onsaved: () => {}, delay: 5 });
    await screen.findByTestId("preview-prospect");
    const box = screen.getByLabelText<HTMLTextAreaElement>("Impact Question");
    box.focus();
    box.setSelectionRange(0, 0);
    await userEvent.click(screen.getByRole("button", { name: /Insert \{first_name\}/ }));
    expect(box.value.startsWith("{first_name}What would")).toBe(true);
  });
});
