/** The action table behind the bootstrap roles: whatever types a stack holds, the grants are exact and scoped. */
import fc from "fast-check";
import { TYPE_ACTIONS, grantsFor } from "../../stacks/provisioner-actions";

const TYPES = Object.keys(TYPE_ACTIONS);
const scope = { partition: "aws", account: "123456789012", region: "*", buckets: ["fleet-deployer-123456789012-*"], prefixes: ["fleet-"] };

describe("Function: grantsFor", () => {
  it("grants exactly the table's actions for the types given (write adds the write actions), nothing for others", () => {
    fc.assert(
      fc.property(fc.subarray(TYPES), fc.boolean(), (types, write) => {
        // Act
        const grants = grantsFor(types, scope, { write });

        // Assess
        const granted = new Set(grants.flatMap((g) => g.actions));
        const expected = new Set(types.flatMap((t) => [...(TYPE_ACTIONS[t]?.read ?? []), ...(write ? (TYPE_ACTIONS[t]?.write ?? []) : []), ...(TYPE_ACTIONS[t]?.list ?? [])]));
        expect([...granted].sort()).toEqual([...expected].sort());
      }),
    );
  });

  it("scopes every grant to this account's fleet names (and the Bitbucket OIDC provider), except the listing calls IAM grants on * only", () => {
    fc.assert(
      fc.property(fc.subarray(TYPES, { minLength: 1 }), fc.boolean(), (types, write) => {
        // Act
        const grants = grantsFor(types, scope, { write });

        // Assess
        const unscoped = grants.filter((g) => g.sid !== "ListOnly").flatMap((g) => g.resources).filter((r) => !(r.includes("123456789012") && /fleet|oidc-provider\/api\.bitbucket\.org\//.test(r)));
        expect(unscoped).toEqual([]);
        const listOnly = grants.filter((g) => g.sid === "ListOnly").flatMap((g) => g.actions);
        expect(listOnly.filter((a) => !/:(Describe|List)/.test(a))).toEqual([]);
        expect(grants.flatMap((g) => g.actions).filter((a) => a.includes("*"))).toEqual([]);
      }),
    );
  });
});
