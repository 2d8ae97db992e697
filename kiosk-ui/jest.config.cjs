const preset = require('../scripts/jest-preset.cjs')(__dirname);

module.exports = {
  ...preset,
  // The kiosk loads its languages other than Japanese on demand; specs have them all from the start.
  setupFiles: ['<rootDir>/src/kiosk/languages/jest-setup.ts'],
};
