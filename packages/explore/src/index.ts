export type { BuildRequest, MachineFactory } from "./factory.js";
