/** The console's entry: mounts the app. */
import { render } from "preact";
import "./styles.css";

function App() {
  return (
    <main>
      <h1>loanstack console</h1>
    </main>
  );
}

render(<App />, document.getElementById("app")!);
