// The bench's plugin for the cluster group: explore's example program
// lastzero(n) as a scenario, so `kprim explore --queue` can run it.
import { lastzero } from "@kprim/explore/examples";
import { param } from "@kprim/machine";
import { kernelScenario } from "@kprim/scenarios";

export default {
  name: "bench-lastzero",
  scenarios: [
    kernelScenario({
      name: "lastzero",
      description: "lastzero(n): a scanner looks for the last zero of an array that n writers fill",
      specId: null,
      params: { n: param.int({ default: 8, min: 1, max: 12, description: "writers" }) },
      cpus: ({ n }) => n + 1,
      setup({ machine, params }) {
        lastzero(params.n).setup(machine);
      },
    }),
  ],
};
