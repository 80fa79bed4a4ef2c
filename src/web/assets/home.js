// The landing page: language switch only.
import { setUpPage } from "./common.js";

setUpPage();
