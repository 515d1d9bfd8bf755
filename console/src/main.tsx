/** The console's entry: its styles and the app, mounted in index.html's #app. */
import { render } from "preact";
import { App } from "./app.js";
import "./styles.css";

render(<App />, document.getElementById("app")!);
