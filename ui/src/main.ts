import { mount } from "svelte";
import App from "./App.svelte";
import "./styles.css";
import { prefetchThemes } from "./lib/prefetch";

prefetchThemes();

const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");

export default mount(App, { target });
