// A safety net, not a speed check: tests that hash PINs or start a hub take seconds on a loaded 2-core
// machine, and jest's 5 s default turned that load into failures. Speed is measured by `npm run bench`.
// A spec that needs longer still sets its own jest.setTimeout.
jest.setTimeout(30_000);
