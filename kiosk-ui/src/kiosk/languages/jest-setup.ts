// kiosk-ui/jest.config.cjs `setupFiles`: the unit specs translate into every language, so every pack is
// added before each spec file, as the kiosk adds one when a person picks its language.
import { addAllLanguages } from './all-languages';

addAllLanguages();
