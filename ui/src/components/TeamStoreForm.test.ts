import { cleanup, render, screen } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import TeamStoreForm from "./TeamStoreForm.svelte";
import TeamStatus from "./TeamStatus.svelte";

// Unmount (and unlisten) before the mocked event plugin goes away.
afterEach(() => {
  cleanup();
  clearMocks();
});

const linked = {
  link: {
    url: "postgres://dana@db.example:5432/sales?sslmode=verify-full",
    role: "dana",
    rep_id: "r1",
    manager: false,
    team_schema: 1,
    connected_at: "2026-12-06T09:00:00.000Z",
    pushed_at: null,
    pulled_at: null,
    offline_since: null,
    last_error: null,
  },
  waiting: 212,
  oldest_waiting: "2026-12-06T09:00:00.000Z",
};

describe("the team store in Settings", () => {
  it("connects with the address typed and says what happens next", async () => {
    let connected: string | null = null;
    mockIPC((cmd, args) => {
      if (cmd === "team_status") return connected ? linked : { link: null, waiting: 0, oldest_waiting: null };
      if (cmd === "team_connect") {
        connected = (args as { url: string }).url;
        return { store: "dana@db.example:5432/sales", role: "dana", manager: false, rep: "Dana Ruiz", queued: 212, schema_created: false };
      }
      throw new Error(cmd);
    }, { shouldMockEvents: true });
    const toasts: string[] = [];
    render(TeamStoreForm, { ontoast: (t: string) => toasts.push(t) });
    const field = await screen.findByLabelText(/Team store address/);
    const button = screen.getByRole("button", { name: "Connect" });
    expect(button).toBeDisabled();
    await userEvent.type(field, "postgres://dana:pw@db.example/sales?sslmode=verify-full");
    await userEvent.click(button);
    expect(connected).toBe("postgres://dana:pw@db.example/sales?sslmode=verify-full");
    expect(await screen.findByTestId("team-linked")).toHaveTextContent("as dana (a rep: your calls sync to the team)");
    expect(screen.getByTestId("team-line")).toHaveTextContent("Team: 212 changes waiting");
    expect(toasts[0]).toBe("Connected to dana@db.example:5432/sales as dana (a rep). 212 calls and blocks will sync in the background.");
  });

  it("shows the core's words when the store refuses", async () => {
    mockIPC((cmd) => {
      if (cmd === "team_status") return { link: null, waiting: 0, oldest_waiting: null };
      if (cmd === "team_connect") throw { kind: "team_schema_newer", message: "the team store's schema is version 9, newer than this Callblock knows (1); update Callblock before connecting to it" };
      throw new Error(cmd);
    }, { shouldMockEvents: true });
    render(TeamStoreForm, { ontoast: () => {} });
    await userEvent.type(await screen.findByLabelText(/Team store address/), "postgres://dana@db/sales");
    await userEvent.click(screen.getByRole("button", { name: "Connect" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("newer than this Callblock knows (1)");
  });
});

describe("the team store's line in the sidebar", () => {
  it("follows what the sync thread reports", async () => {
    mockIPC((cmd) => {
      if (cmd === "team_status") return linked;
      throw new Error(cmd);
    }, { shouldMockEvents: true });
    let opened = 0;
    render(TeamStatus, { ongo: () => opened++ });
    const line = await screen.findByTestId("team-status");
    expect(line).toHaveTextContent("Team: 212 changes waiting");
    await emit("team-status", { ...linked, waiting: 0, link: { ...linked.link, offline_since: "2026-12-06T09:07:00.000Z", last_error: "cannot reach the team store at dana@db.example:5432/sales: connection refused" } });
    expect(await screen.findByText(/^Team: offline since/)).toBeInTheDocument();
    expect(screen.getByTestId("team-status").getAttribute("aria-label")).toContain("connection refused");
    await userEvent.click(screen.getByTestId("team-status"));
    expect(opened).toBe(1);
  });
});
