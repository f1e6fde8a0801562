--
-- PostgreSQL database dump
--

\restrict BoH0Df9omhfnDlCzOYH6fy1G2k15TDBT1Bto34SInPfER0e9gKpVO16B36aMFEL

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: studydirection; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.studydirection AS ENUM (
    'NOT_SET',
    'MINIMIZE',
    'MAXIMIZE'
);


--
-- Name: trialstate; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.trialstate AS ENUM (
    'RUNNING',
    'COMPLETE',
    'PRUNED',
    'FAIL',
    'WAITING'
);


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: studies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.studies (
    study_id integer NOT NULL,
    study_name character varying(512) NOT NULL
);


--
-- Name: studies_study_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.studies_study_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: studies_study_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.studies_study_id_seq OWNED BY public.studies.study_id;


--
-- Name: study_directions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.study_directions (
    study_direction_id integer NOT NULL,
    direction public.studydirection NOT NULL,
    study_id integer NOT NULL,
    objective integer NOT NULL
);


--
-- Name: study_directions_study_direction_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.study_directions_study_direction_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: study_directions_study_direction_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.study_directions_study_direction_id_seq OWNED BY public.study_directions.study_direction_id;


--
-- Name: study_system_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.study_system_attributes (
    study_system_attribute_id integer NOT NULL,
    study_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: study_system_attributes_study_system_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.study_system_attributes_study_system_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: study_system_attributes_study_system_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.study_system_attributes_study_system_attribute_id_seq OWNED BY public.study_system_attributes.study_system_attribute_id;


--
-- Name: study_user_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.study_user_attributes (
    study_user_attribute_id integer NOT NULL,
    study_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: study_user_attributes_study_user_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.study_user_attributes_study_user_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: study_user_attributes_study_user_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.study_user_attributes_study_user_attribute_id_seq OWNED BY public.study_user_attributes.study_user_attribute_id;


--
-- Name: trial_heartbeats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_heartbeats (
    trial_heartbeat_id integer NOT NULL,
    trial_id integer NOT NULL,
    heartbeat timestamp without time zone NOT NULL
);


--
-- Name: trial_heartbeats_trial_heartbeat_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_heartbeats_trial_heartbeat_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_heartbeats_trial_heartbeat_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_heartbeats_trial_heartbeat_id_seq OWNED BY public.trial_heartbeats.trial_heartbeat_id;


--
-- Name: trial_intermediate_values; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_intermediate_values (
    trial_intermediate_value_id integer NOT NULL,
    trial_id integer NOT NULL,
    step integer NOT NULL,
    intermediate_value double precision NOT NULL
);


--
-- Name: trial_intermediate_values_trial_intermediate_value_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_intermediate_values_trial_intermediate_value_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_intermediate_values_trial_intermediate_value_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_intermediate_values_trial_intermediate_value_id_seq OWNED BY public.trial_intermediate_values.trial_intermediate_value_id;


--
-- Name: trial_params; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_params (
    param_id integer NOT NULL,
    trial_id integer,
    param_name character varying(512),
    param_value double precision,
    distribution_json character varying(2048)
);


--
-- Name: trial_params_param_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_params_param_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_params_param_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_params_param_id_seq OWNED BY public.trial_params.param_id;


--
-- Name: trial_system_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_system_attributes (
    trial_system_attribute_id integer NOT NULL,
    trial_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: trial_system_attributes_trial_system_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_system_attributes_trial_system_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_system_attributes_trial_system_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_system_attributes_trial_system_attribute_id_seq OWNED BY public.trial_system_attributes.trial_system_attribute_id;


--
-- Name: trial_user_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_user_attributes (
    trial_user_attribute_id integer NOT NULL,
    trial_id integer,
    key character varying(512),
    value_json character varying(2048)
);


--
-- Name: trial_user_attributes_trial_user_attribute_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_user_attributes_trial_user_attribute_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_user_attributes_trial_user_attribute_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_user_attributes_trial_user_attribute_id_seq OWNED BY public.trial_user_attributes.trial_user_attribute_id;


--
-- Name: trial_values; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_values (
    trial_value_id integer NOT NULL,
    trial_id integer NOT NULL,
    objective integer NOT NULL,
    value double precision NOT NULL
);


--
-- Name: trial_values_trial_value_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trial_values_trial_value_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trial_values_trial_value_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trial_values_trial_value_id_seq OWNED BY public.trial_values.trial_value_id;


--
-- Name: trials; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trials (
    trial_id integer NOT NULL,
    number integer,
    study_id integer,
    state public.trialstate NOT NULL,
    datetime_start timestamp without time zone,
    datetime_complete timestamp without time zone
);


--
-- Name: trials_trial_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.trials_trial_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: trials_trial_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.trials_trial_id_seq OWNED BY public.trials.trial_id;


--
-- Name: version_info; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_info (
    version_info_id integer NOT NULL,
    schema_version integer,
    library_version character varying(256),
    CONSTRAINT version_info_version_info_id_check CHECK ((version_info_id = 1))
);


--
-- Name: studies study_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.studies ALTER COLUMN study_id SET DEFAULT nextval('public.studies_study_id_seq'::regclass);


--
-- Name: study_directions study_direction_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_directions ALTER COLUMN study_direction_id SET DEFAULT nextval('public.study_directions_study_direction_id_seq'::regclass);


--
-- Name: study_system_attributes study_system_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes ALTER COLUMN study_system_attribute_id SET DEFAULT nextval('public.study_system_attributes_study_system_attribute_id_seq'::regclass);


--
-- Name: study_user_attributes study_user_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes ALTER COLUMN study_user_attribute_id SET DEFAULT nextval('public.study_user_attributes_study_user_attribute_id_seq'::regclass);


--
-- Name: trial_heartbeats trial_heartbeat_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_heartbeats ALTER COLUMN trial_heartbeat_id SET DEFAULT nextval('public.trial_heartbeats_trial_heartbeat_id_seq'::regclass);


--
-- Name: trial_intermediate_values trial_intermediate_value_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_intermediate_values ALTER COLUMN trial_intermediate_value_id SET DEFAULT nextval('public.trial_intermediate_values_trial_intermediate_value_id_seq'::regclass);


--
-- Name: trial_params param_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params ALTER COLUMN param_id SET DEFAULT nextval('public.trial_params_param_id_seq'::regclass);


--
-- Name: trial_system_attributes trial_system_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes ALTER COLUMN trial_system_attribute_id SET DEFAULT nextval('public.trial_system_attributes_trial_system_attribute_id_seq'::regclass);


--
-- Name: trial_user_attributes trial_user_attribute_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes ALTER COLUMN trial_user_attribute_id SET DEFAULT nextval('public.trial_user_attributes_trial_user_attribute_id_seq'::regclass);


--
-- Name: trial_values trial_value_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values ALTER COLUMN trial_value_id SET DEFAULT nextval('public.trial_values_trial_value_id_seq'::regclass);


--
-- Name: trials trial_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials ALTER COLUMN trial_id SET DEFAULT nextval('public.trials_trial_id_seq'::regclass);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.alembic_version VALUES ('v2.4.0.a');


--
-- Data for Name: studies; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.studies VALUES (1, 'single');
INSERT INTO public.studies VALUES (2, 'second');
INSERT INTO public.studies VALUES (3, 'multi');


--
-- Data for Name: study_directions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.study_directions VALUES (1, 'MINIMIZE', 1, 0);
INSERT INTO public.study_directions VALUES (2, 'MAXIMIZE', 2, 0);
INSERT INTO public.study_directions VALUES (3, 'MINIMIZE', 3, 0);
INSERT INTO public.study_directions VALUES (4, 'MAXIMIZE', 3, 1);


--
-- Data for Name: study_system_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.study_system_attributes VALUES (1, 1, 'sys_note', '{"release": "2.5.0"}');


--
-- Data for Name: study_user_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.study_user_attributes VALUES (1, 1, 'owner', '"golden"');


--
-- Data for Name: trial_heartbeats; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: trial_intermediate_values; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_intermediate_values VALUES (1, 1, 0, -8.473834212520856);
INSERT INTO public.trial_intermediate_values VALUES (2, 1, 1, -8.255180741115138);
INSERT INTO public.trial_intermediate_values VALUES (3, 1, 2, -8.036527269709422);
INSERT INTO public.trial_intermediate_values VALUES (4, 2, 0, 0.022409273198757518);
INSERT INTO public.trial_intermediate_values VALUES (5, 2, 1, 0.024054225844174687);
INSERT INTO public.trial_intermediate_values VALUES (6, 2, 2, 0.02569917848959186);
INSERT INTO public.trial_intermediate_values VALUES (7, 3, 0, -2.381177337029232);
INSERT INTO public.trial_intermediate_values VALUES (8, 3, 1, -2.379600419282721);
INSERT INTO public.trial_intermediate_values VALUES (9, 3, 2, -2.3780235015362092);
INSERT INTO public.trial_intermediate_values VALUES (10, 4, 0, 8.590563823462428);
INSERT INTO public.trial_intermediate_values VALUES (11, 4, 1, 8.596697929937326);
INSERT INTO public.trial_intermediate_values VALUES (12, 4, 2, 8.602832036412224);
INSERT INTO public.trial_intermediate_values VALUES (13, 5, 0, 5.8152702315342975);
INSERT INTO public.trial_intermediate_values VALUES (14, 5, 1, 6.465232292124162);
INSERT INTO public.trial_intermediate_values VALUES (15, 5, 2, 7.115194352714025);
INSERT INTO public.trial_intermediate_values VALUES (16, 5, 10, 'Infinity');
INSERT INTO public.trial_intermediate_values VALUES (17, 5, 11, '-Infinity');
INSERT INTO public.trial_intermediate_values VALUES (18, 5, 13, 1e+300);
INSERT INTO public.trial_intermediate_values VALUES (19, 6, 0, -0.6449428051003849);
INSERT INTO public.trial_intermediate_values VALUES (20, 6, 1, -0.6408261235704936);
INSERT INTO public.trial_intermediate_values VALUES (21, 6, 2, -0.6367094420406022);
INSERT INTO public.trial_intermediate_values VALUES (22, 7, 0, 5.372950130390187);
INSERT INTO public.trial_intermediate_values VALUES (23, 7, 1, 5.381699646429858);
INSERT INTO public.trial_intermediate_values VALUES (24, 7, 2, 5.39044916246953);
INSERT INTO public.trial_intermediate_values VALUES (25, 8, 0, -3.795815161258062);
INSERT INTO public.trial_intermediate_values VALUES (26, 8, 1, -3.788765647216544);
INSERT INTO public.trial_intermediate_values VALUES (27, 8, 2, -3.7817161331750264);
INSERT INTO public.trial_intermediate_values VALUES (28, 9, 0, 0.125);


--
-- Data for Name: trial_params; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_params VALUES (1, 1, 'x', -8.473834212520856, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (2, 1, 'lx', 0.21865347140571711, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (3, 1, 'q', 0.5, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (4, 1, 'i', 7, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (5, 1, 'i_step', 8, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (6, 1, 'i_log', 2, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (7, 1, 'c', 3, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (8, 2, 'x', 0.022409273198757518, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (9, 2, 'lx', 0.001644952645417171, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (10, 2, 'q', 0.25, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (11, 2, 'i', 7, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (12, 2, 'i_step', 8, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (13, 2, 'i_log', 34, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (14, 2, 'c', 3, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (15, 3, 'x', -2.381177337029232, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (16, 3, 'lx', 0.0015769177465114232, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (17, 3, 'q', 0.25, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (18, 3, 'i', 3, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (19, 3, 'i_step', 8, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (20, 3, 'i_log', 1, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (21, 3, 'c', 1, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (22, 4, 'x', 8.590563823462428, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (23, 4, 'lx', 0.006134106474897615, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (24, 4, 'q', 0.75, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (25, 4, 'i', 0, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (26, 4, 'i_step', 4, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (27, 4, 'i_log', 2, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (28, 4, 'c', 2, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (29, 5, 'x', 5.8152702315342975, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (30, 5, 'lx', 0.6499620605898637, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (31, 5, 'q', 0.5, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (32, 5, 'i', 3, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (33, 5, 'i_step', 0, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (34, 5, 'i_log', 3, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (35, 5, 'c', 1, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (36, 6, 'x', -0.6449428051003849, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (37, 6, 'lx', 0.004116681529891354, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (38, 6, 'q', 0.5, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (39, 6, 'i', 7, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (40, 6, 'i_step', 4, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (41, 6, 'i_log', 2, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (42, 6, 'c', 0, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (43, 7, 'x', 5.372950130390187, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (44, 7, 'lx', 0.008749516039671555, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (45, 7, 'q', 0.5, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (46, 7, 'i', 5, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (47, 7, 'i_step', 8, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (48, 7, 'i_log', 5, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (49, 7, 'c', 3, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (50, 8, 'x', -3.795815161258062, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (51, 8, 'lx', 0.007049514041517934, '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (52, 8, 'q', 1, '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}');
INSERT INTO public.trial_params VALUES (53, 8, 'i', 3, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 1}}');
INSERT INTO public.trial_params VALUES (54, 8, 'i_step', 2, '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 10, "step": 2}}');
INSERT INTO public.trial_params VALUES (55, 8, 'i_log', 4, '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 64, "step": 1}}');
INSERT INTO public.trial_params VALUES (56, 8, 'c', 1, '{"name": "CategoricalDistribution", "attributes": {"choices": ["red", 3, 2.5, null]}}');
INSERT INTO public.trial_params VALUES (57, 9, 'x', 1.5, '{"name": "UniformDistribution", "attributes": {"low": -10.0, "high": 10.0}}');
INSERT INTO public.trial_params VALUES (58, 11, 'y', 0.07630828937395717, '{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (59, 12, 'y', 0.7799187922401146, '{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}');
INSERT INTO public.trial_params VALUES (60, 13, 'x', -4.236917106260428, '{"name": "UniformDistribution", "attributes": {"low": -5.0, "high": 5.0}}');
INSERT INTO public.trial_params VALUES (61, 13, 'n', 2, '{"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 4, "step": 1}}');
INSERT INTO public.trial_params VALUES (62, 14, 'x', -1.810277742265968, '{"name": "UniformDistribution", "attributes": {"low": -5.0, "high": 5.0}}');
INSERT INTO public.trial_params VALUES (63, 14, 'n', 4, '{"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 4, "step": 1}}');
INSERT INTO public.trial_params VALUES (64, 15, 'x', 2.234651778309412, '{"name": "UniformDistribution", "attributes": {"low": -5.0, "high": 5.0}}');
INSERT INTO public.trial_params VALUES (65, 15, 'n', 1, '{"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 4, "step": 1}}');
INSERT INTO public.trial_params VALUES (66, 16, 'x', -1.9198723481226065, '{"name": "UniformDistribution", "attributes": {"low": -5.0, "high": 5.0}}');
INSERT INTO public.trial_params VALUES (67, 16, 'n', 4, '{"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 4, "step": 1}}');


--
-- Data for Name: trial_system_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_system_attributes VALUES (1, 1, 'sys', '[0, "s"]');
INSERT INTO public.trial_system_attributes VALUES (2, 2, 'sys', '[1, "s"]');
INSERT INTO public.trial_system_attributes VALUES (3, 3, 'sys', '[2, "s"]');
INSERT INTO public.trial_system_attributes VALUES (4, 4, 'sys', '[3, "s"]');
INSERT INTO public.trial_system_attributes VALUES (5, 5, 'sys', '[4, "s"]');
INSERT INTO public.trial_system_attributes VALUES (6, 6, 'sys', '[5, "s"]');
INSERT INTO public.trial_system_attributes VALUES (7, 7, 'sys', '[6, "s"]');
INSERT INTO public.trial_system_attributes VALUES (8, 8, 'sys', '[7, "s"]');
INSERT INTO public.trial_system_attributes VALUES (9, 10, 'fixed_params', '{"x": 2.0, "i": 3}');


--
-- Data for Name: trial_user_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_user_attributes VALUES (1, 1, 'double_x', '-16.947668425041712');
INSERT INTO public.trial_user_attributes VALUES (2, 2, 'double_x', '0.044818546397515036');
INSERT INTO public.trial_user_attributes VALUES (3, 3, 'double_x', '-4.762354674058464');
INSERT INTO public.trial_user_attributes VALUES (4, 4, 'double_x', '17.181127646924857');
INSERT INTO public.trial_user_attributes VALUES (5, 5, 'double_x', '11.630540463068595');
INSERT INTO public.trial_user_attributes VALUES (6, 6, 'double_x', '-1.2898856102007699');
INSERT INTO public.trial_user_attributes VALUES (7, 7, 'double_x', '10.745900260780374');
INSERT INTO public.trial_user_attributes VALUES (8, 8, 'double_x', '-7.591630322516124');
INSERT INTO public.trial_user_attributes VALUES (9, 9, 'running', 'true');
INSERT INTO public.trial_user_attributes VALUES (10, 13, 'n_twice', '4');
INSERT INTO public.trial_user_attributes VALUES (11, 14, 'n_twice', '8');
INSERT INTO public.trial_user_attributes VALUES (12, 15, 'n_twice', '2');
INSERT INTO public.trial_user_attributes VALUES (13, 16, 'n_twice', '8');


--
-- Data for Name: trial_values; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trial_values VALUES (1, 1, 0, 90.52451973269467);
INSERT INTO public.trial_values VALUES (2, 2, 0, 50.25214712817071);
INSERT INTO public.trial_values VALUES (3, 3, 0, -2.3780235015362092);
INSERT INTO public.trial_values VALUES (4, 5, 0, 40.96732992635883);
INSERT INTO public.trial_values VALUES (5, 6, 0, 'Infinity');
INSERT INTO public.trial_values VALUES (6, 7, 0, '-Infinity');
INSERT INTO public.trial_values VALUES (7, 8, 0, 24.415262252478087);
INSERT INTO public.trial_values VALUES (8, 11, 0, 0.07630828937395717);
INSERT INTO public.trial_values VALUES (9, 12, 0, 0.7799187922401146);
INSERT INTO public.trial_values VALUES (10, 13, 0, 17.95146656532224);
INSERT INTO public.trial_values VALUES (11, 13, 1, 6.236917106260428);
INSERT INTO public.trial_values VALUES (12, 15, 0, 'Infinity');
INSERT INTO public.trial_values VALUES (13, 15, 1, -1);
INSERT INTO public.trial_values VALUES (14, 16, 0, 3.685909833085811);
INSERT INTO public.trial_values VALUES (15, 16, 1, 5.919872348122606);


--
-- Data for Name: trials; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.trials VALUES (1, 0, 1, 'COMPLETE', '2026-12-06 02:13:13.818419', '2026-12-06 02:13:13.878418');
INSERT INTO public.trials VALUES (2, 1, 1, 'COMPLETE', '2026-12-06 02:13:13.915675', '2026-12-06 02:13:13.975441');
INSERT INTO public.trials VALUES (3, 2, 1, 'PRUNED', '2026-12-06 02:13:13.998026', '2026-12-06 02:13:14.045366');
INSERT INTO public.trials VALUES (4, 3, 1, 'FAIL', '2026-12-06 02:13:14.052542', '2026-12-06 02:13:14.094485');
INSERT INTO public.trials VALUES (5, 4, 1, 'COMPLETE', '2026-12-06 02:13:14.102469', '2026-12-06 02:13:14.195603');
INSERT INTO public.trials VALUES (6, 5, 1, 'COMPLETE', '2026-12-06 02:13:14.224099', '2026-12-06 02:13:14.271794');
INSERT INTO public.trials VALUES (7, 6, 1, 'COMPLETE', '2026-12-06 02:13:14.292515', '2026-12-06 02:13:14.429296');
INSERT INTO public.trials VALUES (8, 7, 1, 'COMPLETE', '2026-12-06 02:13:14.479352', '2026-12-06 02:13:14.587744');
INSERT INTO public.trials VALUES (9, 8, 1, 'RUNNING', '2026-12-06 02:13:14.645849', NULL);
INSERT INTO public.trials VALUES (10, 9, 1, 'WAITING', '2026-12-06 02:13:14.672348', NULL);
INSERT INTO public.trials VALUES (11, 0, 2, 'COMPLETE', '2026-12-06 02:13:14.722676', '2026-12-06 02:13:14.731458');
INSERT INTO public.trials VALUES (12, 1, 2, 'COMPLETE', '2026-12-06 02:13:14.753263', '2026-12-06 02:13:14.760889');
INSERT INTO public.trials VALUES (13, 0, 3, 'COMPLETE', '2026-12-06 02:13:14.815066', '2026-12-06 02:13:14.830688');
INSERT INTO public.trials VALUES (14, 1, 3, 'FAIL', '2026-12-06 02:13:14.839921', '2026-12-06 02:13:14.855151');
INSERT INTO public.trials VALUES (15, 2, 3, 'COMPLETE', '2026-12-06 02:13:14.861247', '2026-12-06 02:13:14.873773');
INSERT INTO public.trials VALUES (16, 3, 3, 'COMPLETE', '2026-12-06 02:13:14.881655', '2026-12-06 02:13:14.896102');


--
-- Data for Name: version_info; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.version_info VALUES (1, 12, '2.5.0');


--
-- Name: studies_study_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.studies_study_id_seq', 3, true);


--
-- Name: study_directions_study_direction_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.study_directions_study_direction_id_seq', 4, true);


--
-- Name: study_system_attributes_study_system_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.study_system_attributes_study_system_attribute_id_seq', 1, true);


--
-- Name: study_user_attributes_study_user_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.study_user_attributes_study_user_attribute_id_seq', 1, true);


--
-- Name: trial_heartbeats_trial_heartbeat_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_heartbeats_trial_heartbeat_id_seq', 1, false);


--
-- Name: trial_intermediate_values_trial_intermediate_value_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_intermediate_values_trial_intermediate_value_id_seq', 28, true);


--
-- Name: trial_params_param_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_params_param_id_seq', 67, true);


--
-- Name: trial_system_attributes_trial_system_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_system_attributes_trial_system_attribute_id_seq', 9, true);


--
-- Name: trial_user_attributes_trial_user_attribute_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_user_attributes_trial_user_attribute_id_seq', 13, true);


--
-- Name: trial_values_trial_value_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trial_values_trial_value_id_seq', 15, true);


--
-- Name: trials_trial_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.trials_trial_id_seq', 16, true);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: studies studies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.studies
    ADD CONSTRAINT studies_pkey PRIMARY KEY (study_id);


--
-- Name: study_directions study_directions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_directions
    ADD CONSTRAINT study_directions_pkey PRIMARY KEY (study_direction_id);


--
-- Name: study_directions study_directions_study_id_objective_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_directions
    ADD CONSTRAINT study_directions_study_id_objective_key UNIQUE (study_id, objective);


--
-- Name: study_system_attributes study_system_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes
    ADD CONSTRAINT study_system_attributes_pkey PRIMARY KEY (study_system_attribute_id);


--
-- Name: study_system_attributes study_system_attributes_study_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes
    ADD CONSTRAINT study_system_attributes_study_id_key_key UNIQUE (study_id, key);


--
-- Name: study_user_attributes study_user_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes
    ADD CONSTRAINT study_user_attributes_pkey PRIMARY KEY (study_user_attribute_id);


--
-- Name: study_user_attributes study_user_attributes_study_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes
    ADD CONSTRAINT study_user_attributes_study_id_key_key UNIQUE (study_id, key);


--
-- Name: trial_heartbeats trial_heartbeats_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_heartbeats
    ADD CONSTRAINT trial_heartbeats_pkey PRIMARY KEY (trial_heartbeat_id);


--
-- Name: trial_heartbeats trial_heartbeats_trial_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_heartbeats
    ADD CONSTRAINT trial_heartbeats_trial_id_key UNIQUE (trial_id);


--
-- Name: trial_intermediate_values trial_intermediate_values_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_intermediate_values
    ADD CONSTRAINT trial_intermediate_values_pkey PRIMARY KEY (trial_intermediate_value_id);


--
-- Name: trial_intermediate_values trial_intermediate_values_trial_id_step_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_intermediate_values
    ADD CONSTRAINT trial_intermediate_values_trial_id_step_key UNIQUE (trial_id, step);


--
-- Name: trial_params trial_params_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params
    ADD CONSTRAINT trial_params_pkey PRIMARY KEY (param_id);


--
-- Name: trial_params trial_params_trial_id_param_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params
    ADD CONSTRAINT trial_params_trial_id_param_name_key UNIQUE (trial_id, param_name);


--
-- Name: trial_system_attributes trial_system_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes
    ADD CONSTRAINT trial_system_attributes_pkey PRIMARY KEY (trial_system_attribute_id);


--
-- Name: trial_system_attributes trial_system_attributes_trial_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes
    ADD CONSTRAINT trial_system_attributes_trial_id_key_key UNIQUE (trial_id, key);


--
-- Name: trial_user_attributes trial_user_attributes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes
    ADD CONSTRAINT trial_user_attributes_pkey PRIMARY KEY (trial_user_attribute_id);


--
-- Name: trial_user_attributes trial_user_attributes_trial_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes
    ADD CONSTRAINT trial_user_attributes_trial_id_key_key UNIQUE (trial_id, key);


--
-- Name: trial_values trial_values_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values
    ADD CONSTRAINT trial_values_pkey PRIMARY KEY (trial_value_id);


--
-- Name: trial_values trial_values_trial_id_objective_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values
    ADD CONSTRAINT trial_values_trial_id_objective_key UNIQUE (trial_id, objective);


--
-- Name: trials trials_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials
    ADD CONSTRAINT trials_pkey PRIMARY KEY (trial_id);


--
-- Name: version_info version_info_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_info
    ADD CONSTRAINT version_info_pkey PRIMARY KEY (version_info_id);


--
-- Name: ix_studies_study_name; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_studies_study_name ON public.studies USING btree (study_name);


--
-- Name: study_directions study_directions_study_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_directions
    ADD CONSTRAINT study_directions_study_id_fkey FOREIGN KEY (study_id) REFERENCES public.studies(study_id);


--
-- Name: study_system_attributes study_system_attributes_study_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_system_attributes
    ADD CONSTRAINT study_system_attributes_study_id_fkey FOREIGN KEY (study_id) REFERENCES public.studies(study_id);


--
-- Name: study_user_attributes study_user_attributes_study_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_user_attributes
    ADD CONSTRAINT study_user_attributes_study_id_fkey FOREIGN KEY (study_id) REFERENCES public.studies(study_id);


--
-- Name: trial_heartbeats trial_heartbeats_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_heartbeats
    ADD CONSTRAINT trial_heartbeats_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_intermediate_values trial_intermediate_values_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_intermediate_values
    ADD CONSTRAINT trial_intermediate_values_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_params trial_params_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_params
    ADD CONSTRAINT trial_params_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_system_attributes trial_system_attributes_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_system_attributes
    ADD CONSTRAINT trial_system_attributes_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_user_attributes trial_user_attributes_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_user_attributes
    ADD CONSTRAINT trial_user_attributes_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trial_values trial_values_trial_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_values
    ADD CONSTRAINT trial_values_trial_id_fkey FOREIGN KEY (trial_id) REFERENCES public.trials(trial_id);


--
-- Name: trials trials_study_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials
    ADD CONSTRAINT trials_study_id_fkey FOREIGN KEY (study_id) REFERENCES public.studies(study_id);


--
-- PostgreSQL database dump complete
--

\unrestrict BoH0Df9omhfnDlCzOYH6fy1G2k15TDBT1Bto34SInPfER0e9gKpVO16B36aMFEL

