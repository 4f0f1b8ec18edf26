// The slash commands of the README's "Commands", built with discord.js builders so Discord's client checks types, choices,
// ranges and lengths before stembot sees a request. Option names are the same on every platform.
// https://discord.com/developers/docs/interactions/application-commands#application-command-object
import {
  InteractionContextType,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type SlashCommandOptionsOnlyBuilder,
} from 'discord.js';
import { kieLimits } from '../../core/kie-vocabulary.js';

/** Longest `url` accepted (a signed CDN link is a few hundred characters). */
const maxUrlChars = 2048;
/** Kie ids are short; this only stops nonsense. */
const maxIdChars = 200;

export const commandNames = ['separate', 'add-vocals', 'add-instrumental', 'jobs', 'job', 'credits', 'midi', 'wav'] as const;
export type CommandName = (typeof commandNames)[number];

const modelChoices = [
  { name: 'V4.5+ (default)', value: 'V4_5PLUS' },
  { name: 'V5', value: 'V5' },
  { name: 'V5.5', value: 'V5_5' },
];

function guildOnly(name: string, description: string): SlashCommandBuilder {
  // Jobs live in a server's channels and threads; in DMs there is nowhere to open a thread.
  return new SlashCommandBuilder().setName(name).setDescription(description).setContexts(InteractionContextType.Guild);
}

function addInput(b: SlashCommandOptionsOnlyBuilder): SlashCommandOptionsOnlyBuilder {
  return b
    .addAttachmentOption((o) => o.setName('audio').setDescription('The song, as an audio file (MP3, WAV, FLAC, OGG, M4A; at most 20 MB)'))
    .addStringOption((o) => o.setName('url').setDescription('Or a public link straight to an audio file').setMaxLength(maxUrlChars));
}

function addGenerationOptions(b: SlashCommandOptionsOnlyBuilder): SlashCommandOptionsOnlyBuilder {
  return b
    .addStringOption((o) => o.setName('negative_tags').setDescription('Styles to avoid').setMaxLength(kieLimits.negativeTags))
    .addStringOption((o) => o.setName('model').setDescription('Suno model').addChoices(...modelChoices))
    .addNumberOption((o) => o.setName('style_weight').setDescription('How closely to follow the style (0–1)').setMinValue(0).setMaxValue(1))
    .addNumberOption((o) => o.setName('weirdness').setDescription('How adventurous to be (0–1)').setMinValue(0).setMaxValue(1))
    .addNumberOption((o) => o.setName('audio_weight').setDescription('How closely to follow your audio (0–1)').setMinValue(0).setMaxValue(1));
}

function separateCommand(): SlashCommandOptionsOnlyBuilder {
  const b = addInput(guildOnly('separate', 'Split a song into stems: vocals + instrumental, up to 12 stems, or one instrument'))
    .addStringOption((o) => o.setName('task_id').setDescription('Or the task id of a Kie-generated track (with audio_id)').setMaxLength(maxIdChars))
    .addStringOption((o) => o.setName('audio_id').setDescription('The audio id of that Kie track (with task_id)').setMaxLength(maxIdChars))
    .addStringOption((o) =>
      o
        .setName('mode')
        .setDescription('What to extract (default: vocals + instrumental)')
        .addChoices(
          { name: 'vocals + instrumental', value: 'vocals' },
          { name: 'up to 12 stems', value: 'stems' },
          { name: 'one instrument (pick stem)', value: 'single' },
        ),
    )
    .addStringOption((o) => o.setName('stem').setDescription('With mode "one instrument": which one, e.g. Piano').setMaxLength(kieLimits.stem).setAutocomplete(true));
  return b;
}

function addVocalsCommand(): SlashCommandOptionsOnlyBuilder {
  // Required options come first (Discord's rule); the input is checked by stembot (exactly one of audio / url).
  const b = guildOnly('add-vocals', 'Sing over an instrumental: Kie writes and performs vocals for your track')
    .addStringOption((o) => o.setName('prompt').setDescription('What the vocals should be about (or the lyrics)').setRequired(true).setMaxLength(kieLimits.prompt))
    .addStringOption((o) => o.setName('style').setDescription('Style of the vocals, e.g. Folk, soft female voice').setRequired(true).setMaxLength(kieLimits.style))
    .addStringOption((o) => o.setName('title').setDescription('Title of the result').setRequired(true).setMaxLength(kieLimits.title));
  return addGenerationOptions(
    addInput(b).addStringOption((o) =>
      o.setName('vocal_gender').setDescription('Voice').addChoices({ name: 'male', value: 'm' }, { name: 'female', value: 'f' }),
    ),
  );
}

function addInstrumentalCommand(): SlashCommandOptionsOnlyBuilder {
  const b = guildOnly('add-instrumental', 'Build an accompaniment around a vocal or melody track')
    .addStringOption((o) => o.setName('tags').setDescription('Style of the accompaniment, e.g. acoustic guitar, warm').setRequired(true).setMaxLength(kieLimits.tags))
    .addStringOption((o) => o.setName('title').setDescription('Title of the result').setRequired(true).setMaxLength(kieLimits.title));
  return addGenerationOptions(addInput(b));
}

function jobsCommand(): SlashCommandBuilder {
  return guildOnly('jobs', 'Your recent stembot jobs, with their state and links');
}

function jobCommand(): SlashCommandOptionsOnlyBuilder {
  return guildOnly('job', 'One of your jobs, with a button to deliver its files again').addStringOption((o) =>
    o.setName('id').setDescription('The job id (start typing to pick one of yours)').setRequired(true).setMaxLength(40).setAutocomplete(true),
  );
}

function creditsCommand(): SlashCommandBuilder {
  return guildOnly('credits', 'Kie credits: the balance (server managers) and what you and this server spent');
}

/** MIDI of a finished separation (docs/kie-midi-wav.md): all of it, or one stem. */
export function midiCommand(): SlashCommandOptionsOnlyBuilder {
  return guildOnly('midi', 'Turn a finished stem separation into a MIDI file, with a piano-roll picture')
    .addStringOption((o) => o.setName('id').setDescription('The separation job id (start typing to pick one of yours)').setRequired(true).setMaxLength(40).setAutocomplete(true))
    .addStringOption((o) => o.setName('stem').setDescription('Only this stem, e.g. Bass (default: the whole separation)').setMaxLength(maxIdChars).setAutocomplete(true));
}

/** WAV of one take of a finished add-vocals / add-instrumental job. */
export function wavCommand(): SlashCommandOptionsOnlyBuilder {
  return guildOnly('wav', 'Get a generated track as a lossless WAV file')
    .addStringOption((o) => o.setName('id').setDescription('The add-vocals or add-instrumental job id').setRequired(true).setMaxLength(40).setAutocomplete(true))
    .addIntegerOption((o) => o.setName('take').setDescription('Which take (default 1)').setMinValue(1).setMaxValue(10));
}

/** Every command as the JSON body of one bulk overwrite. */
export function commandBodies(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [separateCommand(), addVocalsCommand(), addInstrumentalCommand(), jobsCommand(), jobCommand(), creditsCommand(), midiCommand(), wavCommand()].map((b) => b.toJSON());
}
