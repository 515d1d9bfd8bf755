/** A person by name, a link to their page: "User N" until (or unless) the name is known. */
import { useEffect, useState } from "preact/hooks";
import { nameOf, unknownName } from "../lib/people.js";
import { paths } from "../lib/paths.js";
import { useSession } from "../lib/session-context.js";

export function usePersonName(id: number | null | undefined): string | undefined {
  const { people } = useSession();
  const [name, setName] = useState<string>();
  useEffect(() => {
    if (id === null || id === undefined) return;
    let live = true;
    setName(undefined);
    void people.get(id).then((user) => live && setName(user ? nameOf(user) : unknownName(id)));
    return () => {
      live = false;
    };
  }, [id]);
  return name;
}

export function Person(props: { id: number | null | undefined; none?: string }) {
  const name = usePersonName(props.id);
  if (props.id === null || props.id === undefined) return <>{props.none ?? "—"}</>;
  return <a href={paths.person(props.id)}>{name ?? unknownName(props.id)}</a>;
}
