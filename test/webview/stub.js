/* global window, document, location */
// The harness's stand-in for the VS Code webview host, loaded (with the page's nonce) before the
// panel's bundle: acquireVsCodeApi that records posted messages and setState calls, a theme applied
// the way VS Code applies one (--vscode-* variables on <html> through the CSSOM and a body class),
// and a listener that records every CSP violation.
(() => {
  const THEMES = {
    dark: {
      foreground: '#cccccc', 'editor-background': '#1f1f1f', focusBorder: '#0078d4', descriptionForeground: '#9d9d9d',
      errorForeground: '#f85149', 'editorWarning-foreground': '#cca700', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
      'charts-yellow': '#cca700', 'charts-green': '#89d185', 'testing-iconPassed': '#73c991', 'testing-iconFailed': '#f14c4c',
      'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'button-background': '#0078d4', 'button-foreground': '#ffffff',
      'button-hoverBackground': '#026ec1', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc',
      'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c', 'settings-textInputBackground': '#313131',
      'settings-textInputForeground': '#cccccc', 'settings-textInputBorder': '#3c3c3c', 'dropdown-background': '#313131',
      'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c', 'checkbox-background': '#313131', 'checkbox-border': '#3c3c3c',
      'checkbox-foreground': '#cccccc', 'panel-border': '#2b2b2b', 'editorGroup-border': '#2b2b2b', 'editorWidget-border': '#454545',
      'list-hoverBackground': '#2a2d2e', 'list-focusBackground': '#04395e', 'textLink-foreground': '#4daafc',
      'textBlockQuote-background': '#2b2b2b', 'panelTitle-activeForeground': '#e7e7e7', 'panelTitle-activeBorder': '#0078d4',
      'panelTitle-inactiveForeground': '#9d9d9d', 'font-family': 'system-ui, sans-serif', 'font-size': '13px',
      'settings-dropdownBackground': '#313131', 'settings-dropdownForeground': '#cccccc', 'settings-dropdownBorder': '#3c3c3c',
      'settings-dropdownListBorder': '#454545', 'settings-checkboxBackground': '#313131', 'settings-checkboxBorder': '#3c3c3c',
      'settings-checkboxForeground': '#cccccc', 'settings-headerBorder': '#2b2b2b', 'panel-background': '#181818',
      'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff', 'input-placeholderForeground': '#989898',
      'editor-font-family': 'monospace',
    },
    light: {
      foreground: '#3b3b3b', 'editor-background': '#ffffff', focusBorder: '#005fb8', descriptionForeground: '#6f6f6f',
      errorForeground: '#e51400', 'editorWarning-foreground': '#bf8803', 'charts-red': '#e51400', 'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803', 'charts-green': '#388a34', 'testing-iconPassed': '#388a34', 'testing-iconFailed': '#e51400',
      'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'button-background': '#005fb8', 'button-foreground': '#ffffff',
      'button-hoverBackground': '#0258a8', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b',
      'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece', 'settings-textInputBackground': '#ffffff',
      'settings-textInputForeground': '#3b3b3b', 'settings-textInputBorder': '#cecece', 'dropdown-background': '#ffffff',
      'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece', 'checkbox-background': '#f8f8f8', 'checkbox-border': '#cecece',
      'checkbox-foreground': '#3b3b3b', 'panel-border': '#e5e5e5', 'editorGroup-border': '#e5e5e5', 'editorWidget-border': '#c8c8c8',
      'list-hoverBackground': '#f2f2f2', 'list-focusBackground': '#e8e8e8', 'textLink-foreground': '#005fb8',
      'textBlockQuote-background': '#f8f8f8', 'panelTitle-activeForeground': '#3b3b3b', 'panelTitle-activeBorder': '#005fb8',
      'panelTitle-inactiveForeground': '#3b3b3b', 'font-family': 'system-ui, sans-serif', 'font-size': '13px',
      'settings-dropdownBackground': '#ffffff', 'settings-dropdownForeground': '#3b3b3b', 'settings-dropdownBorder': '#cecece',
      'settings-dropdownListBorder': '#c8c8c8', 'settings-checkboxBackground': '#f8f8f8', 'settings-checkboxBorder': '#cecece',
      'settings-checkboxForeground': '#3b3b3b', 'settings-headerBorder': '#e5e5e5', 'panel-background': '#f8f8f8',
      'list-activeSelectionBackground': '#e8e8e8', 'list-activeSelectionForeground': '#000000', 'input-placeholderForeground': '#767676',
      'editor-font-family': 'monospace',
    },
  };

  const params = new URLSearchParams(location.search);
  const theme = THEMES[params.get('theme')] ? params.get('theme') : 'dark';
  const saved = params.get('state');
  const copy = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  const test = { posted: [], setStates: [], violations: [], state: saved ? JSON.parse(saved) : undefined };
  window.__test = test;

  document.addEventListener('securitypolicyviolation', (e) => {
    test.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile, line: e.lineNumber });
  });

  for (const [name, value] of Object.entries(THEMES[theme])) document.documentElement.style.setProperty(`--vscode-${name}`, value);
  document.addEventListener('DOMContentLoaded', () => document.body.classList.add(`vscode-${theme}`));

  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return Object.freeze({
      postMessage: (message) => { test.posted.push(copy(message)); },
      getState: () => copy(test.state),
      setState: (state) => { test.state = copy(state); test.setStates.push(copy(state)); },
    });
  };
})();
