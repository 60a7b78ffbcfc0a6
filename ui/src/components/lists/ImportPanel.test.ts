import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ImportPanel from "./ImportPanel.svelte";
import { importer } from "../../lib/importer.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
  importer.error = null;
});

const defaults = { folder: "/home/a/Downloads/", region: "US", fields: [] };

describe("the import's file picker", () => {
  it("starts in the folder typed, and opens the file chosen", async () => {
    const asked: unknown[] = [];
    const opened: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "import_defaults") return defaults;
      if (cmd === "pick_files") {
        asked.push(args);
        return ["/home/a/Downloads/hubspot.csv"];
      }
      if (cmd === "open_import") {
        opened.push((args as { path: string }).path);
        throw { kind: "invalid", message: "stop here" };
      }
      return null;
    });
    importer.path = "/tmp/exports/old.csv";
    render(ImportPanel);
    await fireEvent.click(await screen.findByRole("button", { name: /Choose a file/ }));
    await waitFor(() => expect(opened).toEqual(["/home/a/Downloads/hubspot.csv"]));
    expect(asked).toEqual([{ kind: "csv", startDir: "/tmp/exports/" }]);
    expect(importer.path).toBe("/home/a/Downloads/hubspot.csv");
  });

  it("keeps the typed path when the picker is cancelled, and says what to do when there is none", async () => {
    let fail = false;
    const opened: string[] = [];
    mockIPC((cmd) => {
      if (cmd === "import_defaults") return defaults;
      if (cmd === "pick_files") {
        if (fail) throw { kind: "no_dialog", message: "The file picker is not available here." };
        return [];
      }
      if (cmd === "open_import") opened.push("x");
      return null;
    });
    importer.path = "~/Downloads/";
    render(ImportPanel);
    const choose = await screen.findByRole("button", { name: /Choose a file/ });
    await fireEvent.click(choose);
    await waitFor(() => expect(choose).not.toBeDisabled());
    expect(opened).toEqual([]);
    expect(importer.path).toBe("~/Downloads/");
    fail = true;
    await fireEvent.click(choose);
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The file picker is not available here. Type the file's path instead.",
    );
  });
});
