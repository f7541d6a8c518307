import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { CountryCode } from 'libphonenumber-js/max';
import { validateForm } from '../../../domain/form';
import type { EditorCheck } from '../../authorization';
import { INPUT_BLOCK_ID, PICKER_BLOCK_ID } from '../../ids';
import { decodeFormMetadata } from '../../metadata';
import { claimForSave, type SaveFlowDeps, saveContact } from '../../saveFlow';
import {
  inlineErrors,
  inputBlockId,
  readContactForm,
  readPickedContact,
  type ViewStateValues,
} from '../../views/contactForm';

export interface ContactSubmitDeps extends SaveFlowDeps {
  defaultPhoneCountry: CountryCode;
  editors: EditorCheck;
}

/** Save on the contact form: a refusal, inline errors, or the save. */
export function makeContactSubmit(deps: ContactSubmitDeps) {
  return async ({
    ack,
    body,
    view,
    client,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const metadata = decodeFormMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: {
          [INPUT_BLOCK_ID.email]:
            'This form is out of date. Close it and run /contact update again.',
        },
      });
      return;
    }
    // Checked again at Save: a form may outlive the right to use it, or be someone else's.
    const checkStarted = Date.now();
    const decision = await deps.editors.check({
      userId: body.user.id,
      teamId: body.user.team_id ?? null,
    });
    const state = asStateValues(view.state?.values);
    // Errors go on an input the form has: the picker while no contact is chosen, else the first.
    const first = metadata.picker
      ? PICKER_BLOCK_ID
      : inputBlockId(metadata.contactId === null ? 'contact_id' : 'email', metadata.generation);
    if (!decision.allowed) {
      // On the first input, with the form kept: after "try again", Save works with no retyping.
      await ack({ response_action: 'errors', errors: { [first]: decision.reason } });
      return;
    }
    if (metadata.picker) {
      const picked = readPickedContact(state);
      const problem =
        metadata.contactId === null
          ? 'Choose a contact first: type part of a name, an email or an id.'
          : picked !== null && picked !== metadata.contactId
            ? 'The form is still filling in for the contact you chose. Wait a moment, check the values, and press Save again.'
            : null;
      if (problem) {
        await ack({ response_action: 'errors', errors: { [PICKER_BLOCK_ID]: problem } });
        return;
      }
    }
    const form = readContactForm(state);
    const result = validateForm(form, {
      fixedContactId: metadata.contactId,
      baseline: metadata.baseline?.values ?? null,
      defaultCountry: deps.defaultPhoneCountry,
    });
    if (!result.ok) {
      await ack({
        response_action: 'errors',
        errors: inlineErrors(result.errors, metadata.generation),
      });
      return;
    }
    const claim = await claimForSave(deps, {
      contactId: result.contactId,
      metadata,
      form,
      userId: body.user.id,
    });
    if (claim.kind === 'stop') {
      await ack(claim.ack);
      return;
    }
    // The checks' time comes out of the acknowledgement's budget: Slack's 3 s are for all.
    const ackWithinMs = Math.max(0, deps.ackWithinMs - (Date.now() - checkStarted));
    await saveContact(
      { ...deps, ackWithinMs },
      {
        ack,
        client,
        viewId: view.id,
        person: { userId: body.user.id, origin: metadata.origin },
        teamId: body.team?.id ?? body.user.team_id ?? null,
        contactId: result.contactId,
        patch: result.patch,
        form,
        metadata,
        claimedVersion: claim.claimedVersion,
      },
    );
  };
}

// Slack's payload is untrusted JSON: anything that is not an object of objects reads as empty.
export function asStateValues(values: unknown): ViewStateValues {
  if (!values || typeof values !== 'object') return {};
  const safe: ViewStateValues = {};
  for (const [blockId, actions] of Object.entries(values)) {
    if (actions && typeof actions === 'object') safe[blockId] = actions as ViewStateValues[string];
  }
  return safe;
}
