// Type-checked by tests/generated.test.mjs: each line marked `// error` must be refused.
import { Compressor, Limiter, PeakFilter, processor } from "../../pkg/index.js";

new Compressor({ thresholdDB: -18 }); // error
new Compressor({ detector: "loud" }); // error
new Limiter({ ceilingDbtp: "-1" }); // error
new PeakFilter({ kind: "low_pass" }); // error
processor("limiter", { ratio: 4 }); // error
const c = new Compressor();
c.ratio = "4"; // error
