/** What an experiment switches on an agent, tick by tick (planning, remembering, freezing, …). */
export interface AgentSwitches {
  /** Plan by imagination each tick (else act on the actor's proposal). */
  planning: boolean;
  /** Recall the stored moment most like the present and re-assess it (remember mode). */
  remember: boolean;
  /** When another agent is in view, assess its situation with one's own models (empathize mode). */
  empathize: boolean;
  /** Freeze motor output (probes that measure a reaction without letting the agent move). */
  frozen: boolean;
  /** The experimenter moves the body (e.g. puts food in the mouth): this action is executed, or -1. */
  forced: number;
}
