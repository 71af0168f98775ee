// Every screen registers its routes when imported; the menu order is each
// route's nav.order.
import './dashboard.js';
import './search.js';
import './alerts.js';
import './inbox.js';
import './contacts.js';
import './reports.js';
import './queries.js';
import './rules.js';
import './settings.js';
