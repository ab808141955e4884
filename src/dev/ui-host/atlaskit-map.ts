/**
 * Which Atlassian Design System package the local host renders each UI Kit element with (the
 * package Confluence's own UI Kit host uses for it). renderer.tsx implements exactly these keys,
 * and a test checks that every UI Kit element the app uses is one of them.
 * Plain data, no imports, so node tests can read it without bundling Atlaskit.
 */
export const ATLASKIT_SOURCE = {
  Badge: '@atlaskit/badge',
  Box: '@atlaskit/primitives',
  Button: '@atlaskit/button',
  ButtonGroup: '@atlaskit/button',
  Checkbox: '@atlaskit/checkbox',
  DatePicker: '@atlaskit/datetime-picker',
  DynamicTable: '@atlaskit/dynamic-table',
  EmptyState: '@atlaskit/empty-state',
  ErrorMessage: '@atlaskit/form',
  Form: 'form element (UI Kit Form has only children and onSubmit, not @atlaskit/form Field render props)',
  FormFooter: '@atlaskit/form',
  FormHeader: '@atlaskit/form',
  FormSection: '@atlaskit/form',
  Heading: '@atlaskit/heading',
  HelperMessage: '@atlaskit/form',
  Inline: '@atlaskit/primitives',
  Label: '@atlaskit/form',
  Link: '@atlaskit/link',
  List: '@atlaskit/primitives',
  ListItem: '@atlaskit/primitives',
  LoadingButton: '@atlaskit/button',
  Lozenge: '@atlaskit/lozenge',
  Modal: '@atlaskit/modal-dialog',
  ModalBody: '@atlaskit/modal-dialog',
  ModalFooter: '@atlaskit/modal-dialog',
  ModalHeader: '@atlaskit/modal-dialog',
  ModalTitle: '@atlaskit/modal-dialog',
  ModalTransition: '@atlaskit/modal-dialog',
  Pressable: '@atlaskit/primitives',
  RadioGroup: '@atlaskit/radio',
  RequiredAsterisk: '@atlaskit/form',
  SectionMessage: '@atlaskit/section-message',
  Select: '@atlaskit/select',
  Spinner: '@atlaskit/spinner',
  Stack: '@atlaskit/primitives',
  Tab: '@atlaskit/tabs',
  TabList: '@atlaskit/tabs',
  TabPanel: '@atlaskit/tabs',
  Tabs: '@atlaskit/tabs',
  Tag: '@atlaskit/tag',
  TagGroup: '@atlaskit/tag-group',
  Text: '@atlaskit/primitives',
  TextArea: '@atlaskit/textarea',
  Textfield: '@atlaskit/textfield',
  Toggle: '@atlaskit/toggle',
  Tooltip: '@atlaskit/tooltip',
  User: '@atlaskit/avatar',
  ValidMessage: '@atlaskit/form',
} as const;

export type RenderedType = keyof typeof ATLASKIT_SOURCE;

/** `showFlag` is rendered with @atlaskit/flag (FlagGroup of AutoDismissFlag/Flag), bottom left as in Confluence. */
export const FLAG_SOURCE = '@atlaskit/flag';
