/** The user search's SQL, built without a database: the LIKE pattern and the statements. */
import { containsPattern, searchStatements } from "../../services/users/user-repository.js";
import { pageWindow } from "../../services/shared/pagination.js";

describe("containsPattern", () => {
  test.each([
    ["ada", "%ada%"],
    ["Ada Lovelace", "%Ada Lovelace%"],
    ["50%", "%50\\%%"],
    ["a_b", "%a\\_b%"],
    ["back\\slash", "%back\\\\slash%"],
    ["%_\\", "%\\%\\_\\\\%"],
  ])("%j → %j: the term anywhere, its wildcards and escape character taken literally", (term, pattern) => {
    expect(containsPattern(term)).toBe(pattern);
  });
});

describe("searchStatements", () => {
  test("an admin's: the term as the one parameter, no role, the page's limit and offset", () => {
    const { rows, count } = searchStatements("ada", undefined, pageWindow({ page: 3, pageSize: 10 }));
    expect(rows.values).toEqual(["%ada%", 10, 20]);
    expect(count.values).toEqual(["%ada%"]);
    expect(rows.text).not.toMatch(/role =/);
    expect(rows.text).toMatch(/ORDER BY lower\(last_name\), lower\(first_name\), id LIMIT \$2 OFFSET \$3$/);
    // The term is never part of the text: it travels as a parameter.
    expect(rows.text).not.toContain("ada");
  });

  test("an agent's: customers only, the same conditions", () => {
    const { rows, count } = searchStatements("ada", "customer", pageWindow({}));
    expect(rows.values).toEqual(["%ada%", "customer", 20, 0]);
    expect(count.values).toEqual(["%ada%", "customer"]);
    expect(count.text).toMatch(/AND role = \$2$/);
    expect(rows.text).toMatch(/LIMIT \$3 OFFSET \$4$/);
  });

  test("it compares the expressions the trigram indexes of migration 0005 are on", () => {
    const { count } = searchStatements("x", undefined, pageWindow({}));
    expect(count.text).toContain("lower(first_name || ' ' || last_name) LIKE lower($1) ESCAPE '\\'");
    expect(count.text).toContain("lower(email) LIKE lower($1) ESCAPE '\\'");
  });
});
