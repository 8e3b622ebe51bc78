import { Testing, TestingAppConfig } from "cdktf";

// Construct stack traces are recorded per construct and read by nobody here; the app runs without them too.
const app = Testing.app.bind(Testing);
Testing.app = (options: TestingAppConfig = {}) => app({ stackTraces: false, ...options });
