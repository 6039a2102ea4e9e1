/* global module */
module.exports = { pad: (text) => ` ${text} ` };
